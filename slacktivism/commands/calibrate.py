"""``slacktivism calibrate``: fit scenario keys to a real campaign (ABC-SMC), resumably."""

from __future__ import annotations

import math
import shlex

from slacktivism.commands.base import (
    EXECUTOR,
    EXIT_FAILED,
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


class Calibrate(Command):
    """Calibrate a case."""

    name = "calibrate"
    help = "fit scenario keys to a real campaign (ABC-SMC; rerun to resume)"
    parents = (SCENARIO, JOB_OUT, EXECUTOR)

    def add_arguments(self, parser):
        """The case, the fitted keys and the ABC-SMC settings."""
        parser.add_argument("file", help="a case's observed-data file (scenarios/cases/*.data.yaml)")
        parser.add_argument("--fit", action="append", default=[], metavar="KEY=LOW:HIGH", required=True,
                            help="a fitted key and its uniform prior (repeatable)")
        parser.add_argument("--statistics", metavar="NAME,NAME",
                            help="the statistics to fit (default: all of the case's)")
        parser.add_argument("--population", type=positive, default=200, help="particles per generation (default 200)")
        parser.add_argument("--generations", type=positive, default=8, help="most generations (default 8)")
        parser.add_argument("--epsilon", type=float, default=1.0,
                            help="stop once every fitted statistic is within this many tolerances (default 1)")
        parser.add_argument("--replicates", type=positive, default=5,
                            help="runs per particle, on common seeds (default 5)")
        parser.add_argument("--seed", type=non_negative, default=0, help="seed of the calibration (default 0)")
        parser.add_argument("--predictive", type=positive, default=50,
                            help="posterior-predictive draws (default 50)")

    def run(self, args, argv):
        """Run or resume; print the posterior predictive; exit 1 if the fit fails on fresh seeds."""
        from model.case_files import load_case
        from slacktivism import calibrate as cal
        from slacktivism.compare import format_rows
        from slacktivism.posterior import rejection

        changes = overrides(args)
        case = load_case(args.file, changes)
        names = [n.strip() for n in args.statistics.split(",")] if args.statistics else None
        spec = cal.specify(case, args.file, changes, args.fit, names, population=args.population,
                           generations=args.generations, epsilon=args.epsilon, replicates=args.replicates,
                           seed=args.seed)
        if not (math.isfinite(args.epsilon) and args.epsilon > 0):
            raise UsageError(f"--epsilon: must be a positive number (got {args.epsilon})")
        check_out(args.out, cal.directory_problem(args.out, spec))
        pool = executor(args)
        command = shlex.join(["slacktivism", *argv])

        def report(g):
            say(f"generation {g.t}: epsilon {g.epsilon:.3g} ({g.particles} particles from {g.simulations} "
                f"simulations)")

        kept = f"kept in {args.out / cal.DATABASE}; rerun `{command}` to resume"
        with calibrating("calibration", kept):
            result = cal.run_calibration(case, spec, args.out, pool, draws=args.predictive, report=report)
        last = result.generations[-1]
        reached = last.epsilon <= spec.epsilon
        print(f"{len(result.generations)} generations; final epsilon {last.epsilon:.3g} "
              f"({'every fitted statistic within tolerance' if last.epsilon <= 1 else 'not within tolerance'}"
              f"{'' if reached else f'; target {spec.epsilon:g} not reached'})")
        print(f"posterior predictive over {args.predictive} draws:")
        print(format_rows(result.rows, args.predictive, "5-95% over draws").rsplit("\n", 1)[0])
        for w in result.warnings:
            print(f"warning: {w}")
        for n in result.notes:
            print(n)
        print(f"wrote {len(result.written)} files to {args.out}")
        problem = rejection(result.rows)
        if problem:
            say(f"{args.out}: not calibrated: {problem}; the scenario is in rejected.yaml")
            return EXIT_FAILED
        return EXIT_OK
