"""``slacktivism run``: one scenario, its summary printed, its files written to ``--out``."""

from __future__ import annotations

import json
from pathlib import Path

from slacktivism.commands.base import (
    EXIT_FAILED,
    EXIT_OK,
    PROGRESS,
    SCENARIO,
    Command,
    UsageError,
    check_out,
    non_negative,
    overrides,
    say,
    show_progress,
)


class Run(Command):
    """Run one scenario."""

    name = "run"
    help = "run one scenario"
    parents = (SCENARIO, PROGRESS)

    def add_arguments(self, parser):
        """The scenario, a seed, a step limit, an output directory and a JSON switch."""
        parser.add_argument("file", help="scenario YAML file")
        parser.add_argument("--seed", type=non_negative, help="random seed (overrides the scenario's)")
        parser.add_argument("--steps", type=non_negative, help="maximum number of steps")
        parser.add_argument("--out", type=Path, help="directory for time series, user table, summary.json, figure")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")

    def run(self, args, argv):
        """Load, build, run, print; write the files if asked (a write error keeps the printed summary)."""
        from model.edgelist import EdgeListError
        from model.scenario_files import load_scenario
        from slacktivism.memory import too_big

        changes = overrides(args)
        if args.seed is not None:
            changes["seed"] = args.seed
        if args.steps is not None:
            changes["steps"] = args.steps
        scenario = load_scenario(args.file, changes)
        check_out(args.out)
        if problem := too_big(scenario):
            raise UsageError(f"{args.file}: {problem}")
        try:
            model = _build_with_progress(scenario, show_progress(args))
        except (EdgeListError, ValueError) as exc:
            raise UsageError(f"{args.file}: {exc}") from None
        summary = _run_with_progress(model, show_progress(args))
        text = json.dumps(summary) if args.json else format_summary(summary)
        written = []
        if args.out is not None:
            from slacktivism.outputs import write_run

            try:
                written = write_run(model, args.out, scenario_file=args.file)
            except OSError as exc:
                say(f"{args.out}: cannot write results ({exc.strerror or exc})")
                print(text)
                return EXIT_FAILED
        print(text)
        if written and not args.json:
            print(f"wrote {', '.join(str(p) for p in written)}")
        return EXIT_OK


def _build_with_progress(scenario, show: bool):
    """The model, with a bar for its network's build (minutes at 100M users; a generated graph only)."""
    from model import SlacktivismModel
    from slacktivism.progress import progress_bar

    generated = scenario.network.kind != "edgelist"
    bar = progress_bar(100, "%", show=show and generated, desc="network", leave=False)
    if bar is None:
        return SlacktivismModel(scenario)

    def building(share: float) -> None:
        bar.n = round(100 * share)
        bar.refresh()

    with bar:
        return SlacktivismModel(scenario, building=building)


def _run_with_progress(model, show: bool) -> dict:
    from slacktivism.progress import progress_bar

    bar = progress_bar(model.spec.steps, "step", show=show, desc=model.spec.name, leave=False)
    if bar is None:
        return model.run()
    with bar:
        return model.run(progress=lambda step: bar.update(step - bar.n))


def format_summary(s: dict) -> str:
    """The summary as a few lines a person reads: the vanity numbers beside the impact."""
    goal = "reached at step " + str(s["goal_step"]) if s["goal_reached"] else "not reached"
    lines = [
        f"{s['scenario']}: {s['n_users']} users, seed {s['seed']}, {s['steps_run']} steps",
        f"  vanity  reach {s['aware']:>8}   likes {s['liked']:>8}   shares {s['shared']:>8}",
        f"  impact  acted {s['acted']:>8}   ({s['n_seeds']} of them organisers)   "
        f"goal {s['goal_actions']} actions: {goal}",
        f"  conversion {s['conversion']:.1%} of reach; slacktivism gap {s['slacktivism_gap']} "
        f"users engaged but never acted",
    ]
    if s["event_held"] is not None:
        lines.append(f"  collective event: {'held' if s['event_held'] else 'failed'} ({s['acted']} committed)")
    if s["in_group_users"]:
        rest = s["n_users"] - s["in_group_users"]
        lines.append(f"  in-group {s['in_group_users']} users: {s['engaged_in_group']} engaged, "
                     f"{s['acted_in_group']} acted; others {rest}: {s['engaged'] - s['engaged_in_group']} "
                     f"engaged, {s['acted'] - s['acted_in_group']} acted")
    return "\n".join(lines)
