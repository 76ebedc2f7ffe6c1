"""``slacktivism joint``: one set of behavioural keys across real campaigns, with leave-one-case-out."""

from __future__ import annotations

import math
import shlex

from slacktivism.commands.base import (
    EXECUTOR,
    EXIT_OK,
    JOB_OUT,
    SCENARIO,
    Command,
    UsageError,
    calibrating,
    check_out,
    executor,
    non_negative,
    overrides,
    positive,
    say,
)


class Joint(Command):
    """Calibrate shared keys over several cases."""

    name = "joint"
    help = "fit shared behavioural keys to several real campaigns at once, and predict each one left out"
    parents = (SCENARIO, JOB_OUT, EXECUTOR)

    def add_arguments(self, parser):
        """The cases, the shared keys and the ABC-SMC settings."""
        parser.add_argument("files", nargs="+", help="two or more cases' observed-data files")
        parser.add_argument("--fit", action="append", default=[], metavar="KEY=LOW:HIGH", required=True,
                            help="a shared key of the choice and its uniform prior (repeatable)")
        parser.add_argument("--population", type=positive, default=100, help="particles per generation (default 100)")
        parser.add_argument("--generations", type=positive, default=6, help="most generations per fit (default 6)")
        parser.add_argument("--epsilon", type=float, default=1.0,
                            help="stop once every statistic of every case is within this many tolerances (default 1)")
        parser.add_argument("--replicates", type=positive, default=3,
                            help="runs per case and particle, on common seeds (default 3)")
        parser.add_argument("--seed", type=non_negative, default=0, help="seed of the calibration (default 0)")
        parser.add_argument("--predictive", type=positive, default=20,
                            help="posterior-predictive draws per fit (default 20)")
        parser.add_argument("--no-leave-one-out", action="store_true",
                            help="fit all cases only, without one fit per case left out")

    def run(self, args, argv):
        """Run or resume every fold; print the leave-one-case-out table."""
        from model.case_files import load_case
        from slacktivism import joint

        if not (math.isfinite(args.epsilon) and args.epsilon > 0):
            raise UsageError(f"--epsilon: must be a positive number (got {args.epsilon})")
        changes = overrides(args)
        cases = [load_case(f, changes) for f in args.files]
        spec = joint.specify(cases, changes, args.fit, population=args.population, generations=args.generations,
                             epsilon=args.epsilon, replicates=args.replicates, seed=args.seed,
                             leave_one_out=not args.no_leave_one_out)
        check_out(args.out, joint.directory_problem(args.out, spec))
        pool = executor(args)
        kept = f"kept in {args.out}; rerun `{shlex.join(['slacktivism', *argv])}` to resume"

        def report(fold, g):
            say(f"{fold}: generation {g.t}: epsilon {g.epsilon:.3g} ({g.particles} particles from "
                f"{g.simulations} simulations)")

        with calibrating("joint calibration", kept):
            result = joint.run_joint(cases, spec, args.out, pool, draws=args.predictive, report=report)
        for fold, gens in result.generations.items():
            print(f"{fold}: {len(gens)} generations, final epsilon {gens[-1].epsilon:.3g}")
        fitted = [r for r in result.rows if r["fold"] == "all"]
        print(f"fit on all cases, fresh seeds: {sum(r['passed'] for r in fitted)} of {len(fitted)} statistics "
              "within tolerance")
        if not args.no_leave_one_out:
            held = [r for r in result.rows if r["role"] == "held out"]
            print(f"leave-one-case-out: {sum(r['passed'] for r in held)} of {len(held)} held-out statistics within "
                  "tolerance")
            print(joint.leave_one_out_table(result.rows))
        print(f"wrote {args.out / 'joint.csv'}")
        return EXIT_OK
