"""Writing a run's results: the tables and summary (``model.run_files``) and the figure (``viz.figures``)."""

from __future__ import annotations

from pathlib import Path

from model.run_files import write_tables
from viz.figures import write_campaign_figure


def write_run(model, out: Path, *, scenario_file: str | None = None) -> list[Path]:
    """Write ``timeseries.csv``, ``timeseries.parquet``, ``summary.json``, ``users.parquet`` and ``figure.png``."""
    paths = write_tables(model, out, scenario_file=scenario_file)
    return [*paths, write_campaign_figure(model, Path(out) / "figure.png")]
