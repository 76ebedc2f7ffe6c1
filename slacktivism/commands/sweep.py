"""``slacktivism sweep``: a parameter sweep, resumable (rerun the same command to continue) and growable."""

from __future__ import annotations

from pathlib import Path

from slacktivism.commands.base import (
    EXECUTOR,
    EXIT_FAILED,
    EXIT_OK,
    PROGRESS,
    Command,
    UsageError,
    check_out,
    executor,
    say,
    show_progress,
)


class Sweep(Command):
    """Run a sweep file."""

    name = "sweep"
    help = "run a parameter sweep (resumable: rerun to continue; grows with more replicates)"
    parents = (EXECUTOR, PROGRESS)

    def add_arguments(self, parser):
        """The sweep file, where its results go, and the dry run."""
        parser.add_argument("file", help="sweep YAML file")
        parser.add_argument("--out", type=Path,
                            help="results directory (rerun the same command with it to resume; required unless "
                                 "--dry-run)")
        parser.add_argument("--dry-run", action="store_true",
                            help="print the run count, an estimated time (from two timed runs) and the output size; "
                                 "run nothing")

    def run(self, args, argv):
        """Refuse a directory holding another sweep, then run what is not on disk yet."""
        from slacktivism.memory import sweep_too_big
        from slacktivism.sweep import directory_problem, run_sweep
        from slacktivism.sweep_spec import load_sweep

        sweep = load_sweep(args.file)
        if args.out is None and not args.dry_run:
            raise UsageError("slacktivism sweep: --out is required (or give --dry-run)")
        check_out(args.out, directory_problem(args.out, sweep) if args.out is not None else None)
        say(*(f"{args.file}: warning: {w}" for w in sweep.warnings))
        if args.dry_run:
            from slacktivism.sweep_estimate import estimate

            workers = args.workers
            if args.scheduler:
                pool = executor(args)
                workers = pool.workers
                pool.close()
            print(estimate(sweep, args.out, workers).describe(args.file, args.out))
            return EXIT_OK
        pool = executor(args)
        if pool.local and (problem := sweep_too_big(sweep, pool.workers)):
            pool.close()
            raise UsageError(f"{args.file}: {problem}")
        command = f"slacktivism sweep {args.file} --out {args.out}"
        try:
            counts = run_sweep(sweep, args.out, pool, progress=show_progress(args))
        except KeyboardInterrupt:
            say(f"interrupted: finished runs are saved in {args.out}; rerun `{command}` to resume")
            return 130
        print(f"{counts['ran']} runs done ({counts['skipped']} already there), {counts['failed']} failed, "
              f"{counts['total']} in all: {args.out}")
        if counts["failed"]:
            say(f"some runs failed: see the status and error columns of {args.out / 'runs'}")
            return EXIT_FAILED
        return EXIT_OK
