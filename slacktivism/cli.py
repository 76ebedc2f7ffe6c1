"""The ``slacktivism`` command: a thin shell around the model.

It reads files, calls the core and writes files (CONTRIBUTING.md, Layering). Every
error the user can cause is printed as one line and gives exit code 2; no
traceback reaches the terminal. ``main(argv)`` returns the exit code, so the
tests call it in-process.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as for scenario errors
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = _Parser(prog="slacktivism", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run one scenario")
    run.add_argument("file", help="scenario YAML file")
    run.add_argument("--seed", type=_non_negative, help="random seed (overrides the scenario's)")
    run.add_argument("--steps", type=_non_negative, help="maximum number of steps")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a dotted key, e.g. --set network.n_users=5000 (repeatable)")
    run.add_argument("--out", type=Path, help="directory for time series, summary.json and figure")
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                     help="progress bar (auto: only on a terminal)")

    validate = sub.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", help="scenario YAML files")

    sweep = sub.add_parser("sweep", help="run a parameter sweep (resumable: rerun to continue)")
    sweep.add_argument("file", help="sweep YAML file")
    sweep.add_argument("--out", type=Path, required=True, help="results directory")
    sweep.add_argument("--workers", type=_positive, help="local worker processes (default: all cores)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    sweep.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                       help="progress bar (auto: only on a terminal)")

    opt = sub.add_parser("optimize", help="search a scenario's design for the best mean of one outcome (Optuna; "
                                          "resumable: rerun to continue)")
    opt.add_argument("file", help="scenario YAML file")
    opt.add_argument("--objective", required=True, metavar="OUTCOME",
                     help="the outcome to optimise, e.g. acted or liked (its mean over the replicates)")
    opt.add_argument("--minimize", action="store_true", help="minimise the objective (default: maximise)")
    opt.add_argument("--design", action="append", default=[], required=True, metavar="KEY=LOW:HIGH|a,b,c",
                     help="a dotted key to design: a number range, or choices read as YAML (repeatable)")
    opt.add_argument("--trials", type=_positive, required=True, help="complete trials wanted in all")
    opt.add_argument("--out", type=Path, required=True, help="results directory")
    opt.add_argument("--replicates", type=_positive, default=10,
                     help="runs per trial, the same seeds for every trial (default 10)")
    opt.add_argument("--seed", type=_non_negative, default=0, help="master seed of the runs and the sampler")
    opt.add_argument("--sampler", choices=("tpe", "random"), default="tpe", help="Optuna sampler (default tpe)")
    opt.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="fix a dotted key of the base scenario (repeatable)")
    where = opt.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive, help="local worker processes (default: all cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    opt.add_argument("--batch", type=_positive,
                     help="trials in flight (default: enough for two runs per worker, plus one); "
                          "a seed and batch give the same trials on any executor")
    opt.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                     help="progress bar (auto: only on a terminal)")

    report = sub.add_parser("report", help="figures and tables from a sweep's results")
    report.add_argument("dir", type=Path, help="a sweep's results directory")

    compare = sub.add_parser("compare", help="a real campaign's observed statistics beside the model's")
    compare.add_argument("file", help="a case's observed-data file (scenarios/cases/*.data.yaml)")
    compare.add_argument("--replicates", type=_positive, default=20, help="seeded runs (default 20)")
    compare.add_argument("--seed", type=_non_negative, help="master seed of the replicates (default: the scenario's)")
    compare.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                         help="override a dotted key of the case's scenario (repeatable)")
    compare.add_argument("--out", type=Path, help="directory for comparison.csv and comparison.png")

    cal = sub.add_parser("calibrate", help="fit scenario keys to a real campaign (ABC-SMC; rerun to resume)")
    cal.add_argument("file", help="a case's observed-data file (scenarios/cases/*.data.yaml)")
    cal.add_argument("--fit", action="append", default=[], metavar="KEY=LOW:HIGH", required=True,
                     help="a fitted key and its uniform prior (repeatable)")
    cal.add_argument("--out", type=Path, required=True, help="directory for the database and results")
    cal.add_argument("--statistics", metavar="NAME,NAME", help="the statistics to fit (default: all of the case's)")
    cal.add_argument("--population", type=_positive, default=200, help="particles per generation (default 200)")
    cal.add_argument("--generations", type=_positive, default=8, help="most generations (default 8)")
    cal.add_argument("--epsilon", type=float, default=1.0,
                     help="stop once every fitted statistic is within this many tolerances (default 1)")
    cal.add_argument("--replicates", type=_positive, default=5,
                     help="runs per particle, on common seeds (default 5)")
    cal.add_argument("--seed", type=_non_negative, default=0, help="seed of the calibration (default 0)")
    cal.add_argument("--predictive", type=_positive, default=50, help="posterior-predictive draws (default 50)")
    cal.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a dotted key of the case's scenario (repeatable)")
    cal.add_argument("--workers", type=_positive, help="local worker processes (default: all cores)")
    cal.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")

    app = sub.add_parser("app", help="the classroom web app (Solara), offline")
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    app.add_argument("--port", type=_non_negative, default=8765, help="port (default 8765)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "optimize":
            return _optimize(args, argv)
        if args.command == "report":
            return _report(args)
        if args.command == "app":
            return _app(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "calibrate":
            return _calibrate(args, argv)
        return _run(args)
    except KeyboardInterrupt:
        print("slacktivism: interrupted", file=sys.stderr)
        return 130


def _validate(args) -> int:
    from model.scenario_files import ScenarioError, load_scenario

    status = EXIT_OK
    for file in args.files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            status = EXIT_USAGE
        else:
            print(f"{file}: ok ({scenario.name})")
    return status


def _run(args) -> int:
    from model.scenario_files import ScenarioError, load_scenario, parse_override

    try:
        overrides = dict(parse_override(a) for a in args.overrides)
        if args.seed is not None:
            overrides["seed"] = args.seed
        if args.steps is not None:
            overrides["steps"] = args.steps
        scenario = load_scenario(args.file, overrides)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if args.out is not None:
        problem = _unwritable(args.out)
        if problem:
            print(f"{args.out}: {problem}", file=sys.stderr)
            return EXIT_USAGE

    from model import SlacktivismModel
    from model.edgelist import EdgeListError

    try:
        model = SlacktivismModel(scenario)
    except (EdgeListError, ValueError) as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    summary = _run_with_progress(model, _show_progress(args))

    if args.out is not None:
        from slacktivism.outputs import write_run

        try:
            written = write_run(model, args.out, scenario_file=args.file)
        except OSError as exc:
            print(f"{args.out}: cannot write results ({exc.strerror or exc})", file=sys.stderr)
            print(json.dumps(summary) if args.json else _format_summary(summary))
            return EXIT_FAILED
    if args.json:
        print(json.dumps(summary))
    else:
        print(_format_summary(summary))
        if args.out is not None:
            print(f"wrote {', '.join(str(p) for p in written)}")
    return EXIT_OK


def _sweep(args) -> int:
    from model.scenario_files import ScenarioError
    from slacktivism.sweep import run_sweep
    from slacktivism.sweep_spec import load_sweep

    try:
        sweep = load_sweep(args.file)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    problem = _unwritable(args.out)
    if problem:
        print(f"{args.out}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    manifest = args.out / "manifest.json"
    if manifest.exists():
        previous = json.loads(manifest.read_text()).get("sweep")
        if previous != sweep.spec.model_dump(mode="json"):
            print(f"{args.out}: holds results of a different sweep; use another --out", file=sys.stderr)
            return EXIT_USAGE
    executor = _sweep_executor(args)
    if isinstance(executor, str):
        print(executor, file=sys.stderr)
        return EXIT_USAGE
    command = f"slacktivism sweep {args.file} --out {args.out}"
    try:
        counts = run_sweep(sweep, args.out, executor, progress=_show_progress(args))
    except KeyboardInterrupt:
        print(f"interrupted: finished runs are saved in {args.out}; rerun `{command}` to resume",
              file=sys.stderr)
        return 130
    print(f"{counts['ran']} runs done ({counts['skipped']} already there), {counts['failed']} failed, "
          f"{counts['total']} in all: {args.out}")
    if counts["failed"]:
        print(f"some runs failed: see the status and error columns of {args.out / 'runs'}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _sweep_executor(args):
    """The sweep executor (:mod:`slacktivism.sweep`) that ``--scheduler`` or ``--workers`` asks for.

    A string (the one-line error) if the scheduler cannot be reached.
    """
    from model.scenario_files import first_line
    from slacktivism.sweep import DaskExecutor, LocalExecutor, default_workers

    if args.scheduler:
        try:
            return DaskExecutor(args.scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            return f"--scheduler {args.scheduler}: cannot connect ({first_line(exc)})"
    return LocalExecutor(args.workers or default_workers())


def _optimize(args, argv: list[str]) -> int:
    import shlex

    from model.scenario_files import ScenarioError, parse_override
    from slacktivism import optimize

    try:
        overrides = dict(parse_override(a) for a in args.overrides)
        plan = optimize.build_optimisation(args.file, args.objective, args.design, minimize=args.minimize,
                                           replicates=args.replicates, seed=args.seed, sampler=args.sampler,
                                           overrides=overrides)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    problem = _unwritable(args.out) or optimize.directory_problem(args.out, plan)
    if problem:
        print(f"{args.out}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    executor = _sweep_executor(args)
    if isinstance(executor, str):
        print(executor, file=sys.stderr)
        return EXIT_USAGE
    command = shlex.join(["slacktivism", *argv])
    try:
        counts = optimize.optimise(plan, args.out, executor, args.trials, batch=args.batch,
                                   progress=_show_progress(args))
    except optimize.BusyError as exc:
        executor.close()
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        if (args.out / "optuna.db").exists():
            optimize.write_outputs(optimize.load_study(args.out), plan, args.out, figures=False)
        print(f"interrupted: every finished trial is saved in {args.out / 'optuna.db'}; rerun `{command}` to resume",
              file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a lost worker, a full disk: one line, and the told trials stay
        from model.scenario_files import first_line

        print(f"optimisation stopped: {type(exc).__name__}: {first_line(exc)}; every finished trial is saved in "
              f"{args.out / 'optuna.db'}; rerun `{command}` to resume", file=sys.stderr)
        return EXIT_FAILED
    study = optimize.load_study(args.out)
    written = optimize.write_outputs(study, plan, args.out)
    print(optimize.describe(optimize.trials_table(study, plan), plan))
    print(f"wrote {', '.join(p.name for p in written)} in {args.out}")
    if counts["failed"]:
        print(f"{counts['failed']} trials failed: see the error column of {args.out / 'trials.parquet'}",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _report(args) -> int:
    from slacktivism.report import ReportError, write_report

    try:
        written = write_report(args.dir)
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(written)} files to {args.dir / 'report'}")
    return EXIT_OK


def _compare(args) -> int:
    from model.scenario_files import ScenarioError, parse_override
    from slacktivism.cases import load_case
    from slacktivism.compare import compare_case, format_rows, undefined_lines, write_comparison

    try:
        overrides = dict(parse_override(a) for a in args.overrides)
        case = load_case(args.file, overrides)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if args.out is not None:
        problem = _unwritable(args.out)
        if problem:
            print(f"{args.out}: {problem}", file=sys.stderr)
            return EXIT_USAGE
    if args.replicates < 2:
        print("--replicates: an interval needs at least 2 replicates", file=sys.stderr)
        return EXIT_USAGE
    from model.edgelist import EdgeListError

    try:
        rows, band = compare_case(case, args.replicates, args.seed)
    except (EdgeListError, ValueError) as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{case.data.title} ({case.scenario.name}, {case.scenario.network.n_users or 'edge list'} users)")
    print(format_rows(rows, args.replicates))
    if args.out is not None:
        try:
            written = write_comparison(rows, band, args.out, case.data.title)
        except OSError as exc:
            print(f"{args.out}: cannot write results ({exc.strerror or exc})", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {', '.join(str(p) for p in written)}")
    empty = undefined_lines(rows, args.replicates)
    for line in empty:
        print(f"{args.file}: {line}", file=sys.stderr)
    return EXIT_FAILED if any(r.undefined == args.replicates for r in rows) else EXIT_OK


def _calibrate(args, argv: list[str]) -> int:
    import math
    import shlex

    from model.scenario_files import ScenarioError, first_line, parse_override
    from slacktivism import calibrate as cal
    from slacktivism.cases import load_case

    try:
        overrides = dict(parse_override(a) for a in args.overrides)
        case = load_case(args.file, overrides)
        fits = [cal.parse_fit(text, case.scenario) for text in args.fit]
        names = args.statistics.split(",") if args.statistics else None
        stats = case.pick([n.strip() for n in names] if names else None)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if len({f.key for f in fits}) != len(fits):
        print("--fit: each key may be fitted once", file=sys.stderr)
        return EXIT_USAGE
    if not (math.isfinite(args.epsilon) and args.epsilon > 0):
        print(f"--epsilon: must be a positive number (got {args.epsilon})", file=sys.stderr)
        return EXIT_USAGE
    spec = cal.Spec(str(Path(args.file).resolve()), case.sha256, case.scenario.digest(), overrides,
                    [list(f) for f in fits], [s.name for s in stats], args.population, args.generations,
                    args.epsilon, args.replicates, args.seed)
    problem = _unwritable(args.out) or _holds_other(args.out, cal.MANIFEST, cal.spec_dict(spec), "calibration",
                                                    ignore=("generations", "case_file"))
    if problem:
        print(f"{args.out}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    executor, workers, dask = _executor(args)
    if isinstance(executor, str):
        print(executor, file=sys.stderr)
        return EXIT_USAGE
    from model.run_files import atomic_write

    args.out.mkdir(parents=True, exist_ok=True)
    manifest = args.out / cal.MANIFEST
    atomic_write(manifest, lambda p: Path(p).write_text(json.dumps(cal.spec_dict(spec), indent=1) + "\n"))
    command = shlex.join(["slacktivism", *argv])

    def report(g):
        print(f"generation {g.t}: epsilon {g.epsilon:.3g} ({g.particles} particles from {g.simulations} "
              f"simulations)", file=sys.stderr)

    from model.run_files import DirectoryBusy, lock_directory

    try:
        lock = lock_directory(args.out, "another calibration is running in this directory")
    except DirectoryBusy as exc:
        _close(executor, dask)
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        done = cal.calibrate(case, spec, args.out, executor, workers, dask=dask, report=report)
        written, warnings, rows = cal.write_outputs(case, spec, args.out, done, draws=args.predictive,
                                                    replicates=args.replicates, executor=executor)
    except KeyboardInterrupt:
        print(f"interrupted: completed generations are in {args.out / cal.DATABASE}; rerun `{command}` to resume",
              file=sys.stderr)
        return 130
    except cal.CalibrationError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a lost worker, a full disk: one line, and the generations stay
        print(f"calibration stopped: {type(exc).__name__}: {first_line(exc)}; completed generations are kept in "
              f"{args.out / cal.DATABASE}; rerun `{command}` to resume", file=sys.stderr)
        return EXIT_FAILED
    finally:
        _close(executor, dask)
        lock.close()
    last = done[-1]
    reached = last.epsilon <= spec.epsilon
    print(f"{len(done)} generations; final epsilon {last.epsilon:.3g} "
          f"({'every fitted statistic within tolerance' if last.epsilon <= 1 else 'not within tolerance'}"
          f"{'' if reached else f'; target {spec.epsilon:g} not reached'})")
    from slacktivism.compare import format_rows

    print(f"posterior predictive over {args.predictive} draws:")
    print(format_rows(rows, args.predictive, "5-95% over draws").rsplit("\n", 1)[0])
    for w in warnings:
        print(f"warning: {w}")
    print(f"wrote {len(written)} files to {args.out}")
    problem = cal.rejection(rows)
    if problem:
        print(f"{args.out}: not calibrated: {problem}; the scenario is in rejected.yaml", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _holds_other(out: Path, manifest_name: str, spec: dict, what: str, ignore: tuple[str, ...] = ()) -> str | None:
    """Why ``out`` cannot take this job: it holds another one, or files that are not a job's.

    Keys in ``ignore`` may differ (a stopping rule: more generations continue the same calibration).
    """
    if not out.exists():
        return None
    manifest = out / manifest_name
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text())
        except (OSError, ValueError):
            return f"holds an unreadable {manifest_name}; use another --out"
        def same(d):
            return {k: v for k, v in d.items() if k not in ignore}

        return None if same(previous) == same(spec) else f"holds another {what}; use another --out"
    if any(p.name != ".lock" for p in out.iterdir()):
        return f"holds other files, not a {what}; use an empty or new --out"
    return None


def _executor(args):
    """What pyabc submits to: a process pool or a Dask client, as (executor, workers, is_dask), or a message."""
    from slacktivism.sweep import DaskExecutor

    executor = _sweep_executor(args)
    if isinstance(executor, str):
        return executor, 0, False
    if isinstance(executor, DaskExecutor):
        return executor.client, executor.workers, True
    executor.start(None, None)
    return executor.pool, executor.workers, False


def _close(executor, dask: bool) -> None:
    if dask:
        executor.close()
    else:
        executor.shutdown(wait=True, cancel_futures=True)


#: The app server's environment: one compiled-code thread per session. A class's sessions are the parallelism;
#: numba's parallel loops gain nothing at the app's 2,000 users and, with OpenMP threads spinning while they
#: wait, a model step took 30 ms instead of under 1 ms on a busy 2-core machine (bench/app_bench.py). glibc's
#: malloc keeps two heaps however many session threads run (viz/sessions.py, limit_malloc_arenas, says why); set
#: here it holds from the server's first allocation. Python's objects are allocated by glibc's malloc too, not by
#: Python's own small-object allocator, so that a class's closed sessions give their memory back
#: (viz/sessions.py, release_memory, says why).
APP_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive", "MALLOC_ARENA_MAX": "2", "PYTHONMALLOC": "malloc"}


def _app(args) -> int:
    """Serve viz/app.py with Solara; its front-end files come from solara-assets (no internet)."""
    import os
    import subprocess

    app = Path(__file__).resolve().parent.parent / "viz" / "app.py"
    print(f"slacktivism app: http://{args.host}:{args.port}", file=sys.stderr)
    command = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host, "--port", str(args.port),
               "--production", "--no-open", "--no-check-version"]
    try:
        return subprocess.call(command, env={**APP_ENV, **os.environ})
    except KeyboardInterrupt:
        return 0


def _show_progress(args) -> bool:
    return args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())


def _run_with_progress(model, show: bool) -> dict:
    if not show:
        return model.run()
    import shutil

    from tqdm import tqdm

    # A pseudo-terminal may report a 0x0 size, which makes tqdm draw nothing.
    size = shutil.get_terminal_size((80, 24))
    with tqdm(total=model.spec.steps, unit="step", file=sys.stderr, leave=False, desc=model.spec.name,
              ncols=size.columns or 80, nrows=size.lines or 24) as bar:
        return model.run(progress=lambda step: bar.update(step - bar.n))


def _format_summary(s: dict) -> str:
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


def _unwritable(out: Path) -> str | None:
    if out.exists() and not out.is_dir():
        return "exists and is not a directory"
    parent = out
    while not parent.exists():
        parent = parent.parent
    import os

    if not os.access(parent, os.W_OK):
        return "is not writable"
    return None


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {value})")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (got {value})")
    return value


if __name__ == "__main__":
    sys.exit(main())
