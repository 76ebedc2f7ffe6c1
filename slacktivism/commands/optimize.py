"""``slacktivism optimize``: search a scenario's design for the best mean of one outcome (Optuna), resumably."""

from __future__ import annotations

import shlex

from slacktivism.commands.base import (
    EXECUTOR,
    EXIT_FAILED,
    EXIT_OK,
    JOB_OUT,
    PROGRESS,
    SCENARIO,
    Command,
    UsageError,
    check_out,
    executor,
    non_negative,
    overrides,
    positive,
    say,
    show_progress,
)


class Optimize(Command):
    """Optimise a design."""

    name = "optimize"
    help = "search a scenario's design for the best mean of one outcome (Optuna; resumable: rerun to continue)"
    parents = (SCENARIO, JOB_OUT, EXECUTOR, PROGRESS)

    def add_arguments(self, parser):
        """The objective, the design, the budget and the sampler."""
        parser.add_argument("file", help="scenario YAML file")
        parser.add_argument("--objective", required=True, metavar="OUTCOME",
                            help="the outcome to optimise, e.g. acted or liked (its mean over the replicates)")
        parser.add_argument("--minimize", action="store_true", help="minimise the objective (default: maximise)")
        parser.add_argument("--design", action="append", default=[], required=True, metavar="KEY=LOW:HIGH|a,b,c",
                            help="a dotted key to design: a number range, or choices read as YAML (repeatable)")
        parser.add_argument("--trials", type=positive, required=True, help="complete trials wanted in all")
        parser.add_argument("--replicates", type=positive, default=10,
                            help="runs per trial, the same seeds for every trial (default 10)")
        parser.add_argument("--seed", type=non_negative, default=0, help="master seed of the runs and the sampler")
        parser.add_argument("--sampler", choices=("tpe", "random"), default="tpe",
                            help="Optuna sampler (default tpe)")
        parser.add_argument("--batch", type=positive,
                            help="trials in flight (default: enough for two runs per worker, plus one); "
                                 "a seed and batch give the same trials on any executor")

    def run(self, args, argv):
        """Run or continue the study; on any stop, every finished trial stays in ``optuna.db``."""
        from model.scenario_files import first_line
        from slacktivism import design_space, optimize, optimize_outputs

        plan = design_space.build_optimisation(args.file, args.objective, args.design, minimize=args.minimize,
                                           replicates=args.replicates, seed=args.seed, sampler=args.sampler,
                                           overrides=overrides(args))
        check_out(args.out, design_space.directory_problem(args.out, plan))
        pool = executor(args)
        command = shlex.join(["slacktivism", *argv])
        saved = f"every finished trial is saved in {args.out / 'optuna.db'}; rerun `{command}` to resume"
        try:
            counts = optimize.optimise(plan, args.out, pool, args.trials, batch=args.batch,
                                       progress=show_progress(args))
        except optimize.BusyError as exc:
            pool.close()
            raise UsageError(str(exc)) from None
        except KeyboardInterrupt:
            if (args.out / "optuna.db").exists():
                optimize_outputs.write_outputs(optimize.load_study(args.out), plan, args.out, figures=False)
            say(f"interrupted: {saved}")
            return 130
        except Exception as exc:  # noqa: BLE001 - a lost worker, a full disk: one line, and the told trials stay
            say(f"optimisation stopped: {type(exc).__name__}: {first_line(exc)}; {saved}")
            return EXIT_FAILED
        study = optimize.load_study(args.out)
        written = optimize_outputs.write_outputs(study, plan, args.out)
        print(optimize_outputs.describe(optimize_outputs.trials_table(study, plan), plan))
        print(f"wrote {', '.join(p.name for p in written)} in {args.out}")
        if counts["failed"]:
            say(f"{counts['failed']} trials failed: see the error column of {args.out / 'trials.parquet'}")
            return EXIT_FAILED
        return EXIT_OK
