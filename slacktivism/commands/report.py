"""``slacktivism report``: figures and tables from a sweep's results."""

from __future__ import annotations

from pathlib import Path

from slacktivism.commands.base import EXIT_OK, Command, UsageError, say


class Report(Command):
    """Report on a sweep."""

    name = "report"
    help = "figures and tables from a sweep's results"

    def add_arguments(self, parser):
        """The sweep's results directory, the outcomes and the reference combination."""
        parser.add_argument("dir", type=Path, help="a sweep's results directory")
        parser.add_argument("--outcomes", metavar="NAME,NAME",
                            help="outcomes of the sensitivity indices, heatmaps and differences "
                                 "(default: acted,liked for indices; acted,liked,aware for heatmaps)")
        parser.add_argument("--reference", metavar="N|KEY=VALUE,...",
                            help="the combination differences are taken against (default: combination 0)")

    def run(self, args, argv):
        """Write ``report/`` inside the sweep's directory; print its warnings."""
        from slacktivism.report import ReportError, write_report

        outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()] if args.outcomes is not None else None
        try:
            result = write_report(args.dir, outcomes=outcomes, reference=args.reference)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
        say(*(f"{args.dir}: warning: {w}" for w in result.warnings))
        print(f"wrote {len(result.paths)} files to {args.dir / 'report'}")
        return EXIT_OK
