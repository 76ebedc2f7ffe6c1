"""``slacktivism validate``: check scenario and sweep files without running them."""

from __future__ import annotations

from pathlib import Path

from slacktivism.commands.base import EXIT_OK, EXIT_USAGE, Command, say

#: Keys only a sweep file has: a file with ``scenario`` and any of these is read as a sweep.
SWEEP_KEYS = frozenset({"vary", "sample", "explicit", "replicates", "overrides", "record", "seeds"})


class Validate(Command):
    """Check scenario and sweep files."""

    name = "validate"
    help = "check scenario and sweep files without running them"

    def add_arguments(self, parser):
        """One or more files."""
        parser.add_argument("files", nargs="+", help="scenario or sweep YAML files (told apart by their keys)")

    def run(self, args, argv):
        """Every file is checked; each bad one gets its one-line error, and the exit code is 2 if any was bad."""
        from model.scenario_files import ScenarioError, load_scenario, parse_yaml, read_text
        from slacktivism.sweep_spec import load_sweep

        status = EXIT_OK
        for file in args.files:
            try:
                if Path(file).is_file() and is_sweep(parse_yaml(read_text(file), file)[0]):
                    sweep = load_sweep(file)
                    say(*(f"{file}: warning: {w}" for w in sweep.warnings))
                    print(f"{file}: ok (sweep of {sweep.base.name}: {len(sweep.combinations):,} combinations x "
                          f"{sweep.spec.replicates} replicates = {sweep.n_runs:,} runs, seeds: {sweep.spec.seeds})")
                else:
                    print(f"{file}: ok ({load_scenario(file).name})")
            except ScenarioError as exc:
                say(str(exc))
                status = EXIT_USAGE
        return status


def is_sweep(data: dict) -> bool:
    """Whether a file's top-level mapping is a sweep's (a ``scenario`` to start from, and a sweep key)."""
    return isinstance(data.get("scenario"), str) and bool(SWEEP_KEYS & set(data))
