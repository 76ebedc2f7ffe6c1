"""The ``slacktivism`` command: a thin shell around the model.

It reads files, calls the core and writes files (CONTRIBUTING.md, Layering).
Each sub-command is a module of :mod:`slacktivism.commands`. Every error the
user can cause is printed as one line and gives exit code 2; no traceback
reaches the terminal. ``main(argv)`` returns the exit code, so the tests call
it in-process.
"""

from __future__ import annotations

import argparse
import sys

from slacktivism.commands import COMMANDS
from slacktivism.commands.base import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Stopped, UsageError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as for scenario errors
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every registered sub-command."""
    parser = _Parser(prog="slacktivism", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        instance = command()
        child = sub.add_parser(command.name, help=command.help, parents=list(command.parents))  # type: ignore[arg-type]  # argparse's stubs ask for the subclass
        instance.add_arguments(child)
        child.set_defaults(handler=instance)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from model.scenario_files import ScenarioError

    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    try:
        return args.handler.run(args, argv)
    except (UsageError, ScenarioError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except Stopped as exc:
        print(exc, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("slacktivism: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
