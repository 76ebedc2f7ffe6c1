"""``slacktivism replay DIR RUN_ID``: rebuild one run of a sweep exactly, and check it against its row."""

from __future__ import annotations

import json
from pathlib import Path

from slacktivism.commands.base import EXIT_FAILED, EXIT_OK, Command, UsageError, check_out, say


class Replay(Command):
    """Replay a sweep's run."""

    name = "replay"
    help = "rebuild one run of a sweep (its base scenario, overrides and seed) and print its summary"

    def add_arguments(self, parser):
        """The sweep's directory, the run id, and where to write the run's files."""
        parser.add_argument("dir", type=Path, help="a sweep's results directory")
        parser.add_argument("run_id", help="the run's run_id (a unique prefix will do)")
        parser.add_argument("--out", type=Path, help="directory for the run's time series, user table and summary")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")

    def run(self, args, argv):
        """Print the summary; exit 1 if it differs from the row the sweep recorded."""
        from model import SlacktivismModel
        from slacktivism.commands.run import format_summary
        from slacktivism.sweep import ReplayError, replay_scenario

        try:
            scenario, row = replay_scenario(args.dir, args.run_id)
        except ReplayError as exc:
            raise UsageError(str(exc)) from None
        check_out(args.out)
        model = SlacktivismModel(scenario)
        summary = model.run()
        if args.out is not None:
            from slacktivism.outputs import write_run

            written = write_run(model, args.out, scenario_file=str(args.dir / "manifest.json"))
            say(f"wrote {', '.join(str(p) for p in written)}")
        print(json.dumps(summary) if args.json else format_summary(summary))
        differ = [k for k in summary if k in row and row[k] is not None and k != "scenario" and row[k] != summary[k]]
        if row["status"] != "ok":
            say(f"{args.dir}: run {row['run_id']} failed in the sweep ({row['error']})")
        elif differ:
            say(f"{args.dir}: run {row['run_id']} differs from the sweep's row in "
                + ", ".join(f"{k} ({summary[k]} here, {row[k]} there)" for k in differ[:5])
                + " (another version of the code? compare git_commit in manifest.json)")
            return EXIT_FAILED
        return EXIT_OK
