"""``slacktivism validate``: check scenario files without running them."""

from __future__ import annotations

from slacktivism.commands.base import EXIT_OK, EXIT_USAGE, Command, say


class Validate(Command):
    """Check scenario files."""

    name = "validate"
    help = "check scenario files without running them"

    def add_arguments(self, parser):
        """One or more files."""
        parser.add_argument("files", nargs="+", help="scenario YAML files")

    def run(self, args, argv):
        """Every file is checked; each bad one gets its one-line error, and the exit code is 2 if any was bad."""
        from model.scenario_files import ScenarioError, load_scenario

        status = EXIT_OK
        for file in args.files:
            try:
                scenario = load_scenario(file)
            except ScenarioError as exc:
                say(str(exc))
                status = EXIT_USAGE
            else:
                print(f"{file}: ok ({scenario.name})")
        return status
