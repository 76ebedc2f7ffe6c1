"""``slacktivism sweep``: a parameter sweep, resumable (rerun the same command to continue)."""

from __future__ import annotations

from slacktivism.commands.base import (
    EXECUTOR,
    EXIT_FAILED,
    EXIT_OK,
    JOB_OUT,
    PROGRESS,
    Command,
    check_out,
    executor,
    say,
    show_progress,
)


class Sweep(Command):
    """Run a sweep file."""

    name = "sweep"
    help = "run a parameter sweep (resumable: rerun to continue)"
    parents = (JOB_OUT, EXECUTOR, PROGRESS)

    def add_arguments(self, parser):
        """The sweep file."""
        parser.add_argument("file", help="sweep YAML file")

    def run(self, args, argv):
        """Refuse a directory holding another sweep, then run what is not on disk yet."""
        from slacktivism.jobs import directory_problem
        from slacktivism.sweep import MANIFEST, run_sweep
        from slacktivism.sweep_spec import load_sweep

        sweep = load_sweep(args.file)
        check_out(args.out, directory_problem(args.out, MANIFEST, sweep.spec.model_dump(mode="json"), "sweep",
                                              field="sweep"))
        pool = executor(args)
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
