"""``slacktivism report``: figures and tables from a sweep's results."""

from __future__ import annotations

from pathlib import Path

from slacktivism.commands.base import EXIT_OK, Command, UsageError


class Report(Command):
    """Report on a sweep."""

    name = "report"
    help = "figures and tables from a sweep's results"

    def add_arguments(self, parser):
        """The sweep's results directory."""
        parser.add_argument("dir", type=Path, help="a sweep's results directory")

    def run(self, args, argv):
        """Write ``report/`` inside the sweep's directory."""
        from slacktivism.report import ReportError, write_report

        try:
            written = write_report(args.dir)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
        print(f"wrote {len(written)} files to {args.dir / 'report'}")
        return EXIT_OK
