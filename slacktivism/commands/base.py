"""What every command shares: the command base class, the one usage error, shared options.

Modelled on Optuna's command line: each command is a class with
``add_arguments`` and ``run``, registered in :data:`slacktivism.commands.COMMANDS`,
and options that several commands take come from one parent parser each.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: ``main`` prints the one-line message and exits with 2."""


class Stopped(Exception):  # noqa: N818 - a stop, not an error of the user's or the code's
    """A job stopped before its end (interrupted, or a worker lost): ``main`` prints the line, exits with ``code``."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


class Command:
    """One sub-command: its name, its help line, its arguments and what it does."""

    name: ClassVar[str]
    help: ClassVar[str]
    #: Shared option groups (parent parsers) the command takes.
    parents: ClassVar[tuple[argparse.ArgumentParser, ...]] = ()

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's own arguments."""

    def run(self, args: argparse.Namespace, argv: list[str]) -> int:
        """Do the command; return the exit code. Raise :class:`UsageError` for bad input."""
        raise NotImplementedError


def positive(text: str) -> int:
    """A whole number >= 1 (an ``argparse`` type)."""
    value = non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {value})")
    return value


def non_negative(text: str) -> int:
    """A whole number >= 0 (an ``argparse`` type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (got {value})")
    return value


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


#: ``--set KEY=VALUE``: a dotted scenario key, the same name as in YAML, sweeps and result columns.
SCENARIO = _parent()
SCENARIO.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a dotted key of the scenario, e.g. --set network.n_users=5000 (repeatable)")

#: ``--workers`` or ``--scheduler``: where the runs execute (:mod:`slacktivism.executors`).
EXECUTOR = _parent()
_where = EXECUTOR.add_mutually_exclusive_group()
_where.add_argument("--workers", type=positive, help="local worker processes (default: all cores)")
_where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")

#: ``--progress``: a progress bar on standard error.
PROGRESS = _parent()
PROGRESS.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                      help="progress bar (auto: only on a terminal)")

#: ``--out DIR`` for resumable jobs (required).
JOB_OUT = _parent()
JOB_OUT.add_argument("--out", type=Path, required=True,
                     help="results directory (rerun the same command with it to resume)")


def overrides(args: argparse.Namespace) -> dict:
    """``--set`` as a dict of dotted keys (a ScenarioError names a bad one)."""
    from model.scenario_files import parse_override

    return dict(parse_override(a) for a in args.overrides)


def executor(args: argparse.Namespace):
    """The executor ``--workers`` / ``--scheduler`` ask for (a one-line UsageError if unreachable)."""
    from slacktivism.executors import ExecutorError, connect

    try:
        return connect(args.workers, args.scheduler)
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None


def check_out(out: Path | None, problem: str | None = None) -> None:
    """Refuse an ``--out`` that cannot take results (``problem`` from a job's own check, if any)."""
    from slacktivism.jobs import unwritable

    if out is not None and (problem := unwritable(out) or problem):
        raise UsageError(f"{out}: {problem}")


def show_progress(args: argparse.Namespace) -> bool:
    """Whether ``--progress`` asks for a bar here."""
    return args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())


def say(*lines: str) -> None:
    """Messages for the user, on standard error (results go to standard output)."""
    for line in lines:
        print(line, file=sys.stderr)


@contextmanager
def calibrating(what: str, kept: str) -> Iterator[None]:
    """Run a calibration; an interruption or a failure stops it with one line saying where its generations are kept.

    Raises:
        UsageError: the directory is another process's, or its database cannot be read.
        Stopped: interrupted (exit 130), or a lost worker or a full disk (exit 1).
    """
    from model.scenario_files import first_line
    from slacktivism.calibrate import CalibrationError

    try:
        yield
    except KeyboardInterrupt:
        raise Stopped(f"interrupted: completed generations are {kept}", 130) from None
    except CalibrationError as exc:
        raise UsageError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a lost worker, a full disk: one line, and the generations stay
        raise Stopped(f"{what} stopped: {type(exc).__name__}: {first_line(exc)}; completed generations are {kept}",
                      EXIT_FAILED) from None
