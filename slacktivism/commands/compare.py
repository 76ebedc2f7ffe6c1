"""``slacktivism compare``: a real campaign's observed statistics beside the model's."""

from __future__ import annotations

from pathlib import Path

from slacktivism.commands.base import (
    EXIT_FAILED,
    EXIT_OK,
    SCENARIO,
    Command,
    UsageError,
    check_out,
    non_negative,
    overrides,
    positive,
    say,
)


class Compare(Command):
    """Compare a case with the model."""

    name = "compare"
    help = "a real campaign's observed statistics beside the model's"
    parents = (SCENARIO,)

    def add_arguments(self, parser):
        """The case, the replicates and where to write."""
        parser.add_argument("file", help="a case's observed-data file (scenarios/cases/*.data.yaml)")
        parser.add_argument("--replicates", type=positive, default=20, help="seeded runs (default 20)")
        parser.add_argument("--seed", type=non_negative,
                            help="master seed of the replicates (default: the scenario's)")
        parser.add_argument("--out", type=Path, help="directory for comparison.csv and comparison.png")

    def run(self, args, argv):
        """Print the table; exit 1 if a statistic is undefined in every replicate (results are still written)."""
        from model.case_files import load_case
        from model.edgelist import EdgeListError
        from slacktivism.compare import compare_case, format_rows, take_off_line, undefined_lines, write_comparison

        case = load_case(args.file, overrides(args))
        check_out(args.out)
        if args.replicates < 2:
            raise UsageError("--replicates: an interval needs at least 2 replicates")
        try:
            c = compare_case(case, args.replicates, args.seed)
        except (EdgeListError, ValueError) as exc:
            raise UsageError(f"{args.file}: {exc}") from None
        print(f"{case.data.title} ({case.scenario.name}, {case.scenario.network.n_users or 'edge list'} users)")
        print(format_rows(c.rows, c.counted))
        if (line := take_off_line(c)) is not None:
            print(line)
        if args.out is not None:
            try:
                written = write_comparison(c.rows, c.band, args.out, case.data.title)
            except OSError as exc:
                say(f"{args.out}: cannot write results ({exc.strerror or exc})")
                return EXIT_FAILED
            print(f"wrote {', '.join(str(p) for p in written)}")
        say(*(f"{args.file}: {line}" for line in undefined_lines(c.rows, c.counted)))
        return EXIT_FAILED if any(r.undefined == c.counted for r in c.rows) else EXIT_OK
