"""Benchmark `generate`: `flask demo generate` on a fresh migrated database.

The command runs in a subprocess through the real Flask command line (bench.timed_flask), so
the wall time is what a user sees; hooks inside that process split it into the material
library load, the inserts and the final commit. Peak RSS comes from wait4 on the subprocess.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.common import Result
from bench.common import Settings
from bench.common import human_bytes
from bench.common import human_count
from bench.common import log
from bench.common import migrate
from bench.common import run_measured
from bench.common import scalar
from bench.common import sqlite_size
from bench.common import sqlite_url
from bench.common import subprocess_env

TARGET_S = 60.0
TARGET_COMPONENTS = 1_000_000


@dataclass
class Dataset:
    """A database left behind by a generation run, for the overview-at-scale benchmark."""

    url: str
    db: str
    buildings: int
    components: int


def run_generate(
    url: str,
    buildings: int,
    components: int,
    workdir: Path,
    tag: str,
    timeout_s: float | None = None,
) -> dict:
    """Run `flask demo generate` once on a migrated database; return its measurements."""
    timings_path = workdir / f"timings-{tag}.json"
    cmd = [
        sys.executable,
        "-m",
        "bench.timed_flask",
        "--app",
        "app",
        "demo",
        "generate",
        "--buildings",
        str(buildings),
        "--components",
        str(components),
    ]
    log(f"generate {tag}: {components:,} components across {buildings:,} buildings")
    done = run_measured(
        cmd,
        subprocess_env(url, BENCH_TIMINGS=str(timings_path)),
        workdir / f"generate-{tag}.log",
        timeout_s,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask demo generate failed ({done.returncode}):\n{done.tail()}")
    marks = json.loads(timings_path.read_text())
    commit_start, commit_end = marks["commits"][-1]
    insert_s = marks["generate_end"] - marks["generate_start"]
    commit_s = commit_end - commit_start
    generation_s = commit_end - marks["generate_start"]
    counted = scalar(url, "SELECT count(*) FROM components")
    links = scalar(url, "SELECT count(*) FROM component_materials")
    hazards = scalar(url, "SELECT count(*) FROM component_hazards")
    batches = marks["batches"]
    batch_rates = []
    previous_t, previous_n = marks["generate_start"], 0
    for t, n in batches:
        if t > previous_t:
            batch_rates.append((n - previous_n) / (t - previous_t))
        previous_t, previous_n = t, n
    metrics = {
        "buildings": buildings,
        "components": components,
        "components_in_db": counted,
        "component_material_rows": links,
        "hazard_rows": hazards,
        "cli_wall_s": done.wall_s,
        "startup_s": marks["load_start"],
        "material_load_s": marks["load_end"] - marks["load_start"],
        "insert_s": insert_s,
        "commit_s": commit_s,
        "generation_s": generation_s,
        "components_per_s": components / generation_s if generation_s else None,
        "rows_per_s": (components + links + hazards) / generation_s if generation_s else None,
        "first_batch_components_per_s": batch_rates[0] if batch_rates else None,
        "last_batch_components_per_s": batch_rates[-1] if batch_rates else None,
        "batch_components_per_s": batch_rates,
        "peak_rss_bytes": done.peak_rss_bytes,
    }
    log(
        f"generate {tag}: {done.wall_s:.1f} s wall, {generation_s:.1f} s generation, "
        f"peak RSS {human_bytes(done.peak_rss_bytes)}"
    )
    return metrics


def _results(metrics: dict, db: str, notes: list[str]) -> list[Result]:
    n = metrics["components"]
    label = f"generate {human_count(n)} comps"
    full = n >= TARGET_COMPONENTS and db == "sqlite"
    wall = metrics["cli_wall_s"]
    rows = [
        Result(
            f"{label} (CLI wall)",
            db,
            f"{wall:.1f} s ({human_count(metrics['components'] / wall)} comps/s)",
            f"<= {TARGET_S:.0f} s" if full else "-",
            (wall <= TARGET_S) if full else None,
            metrics,
            notes,
        ),
        Result(
            f"{label} (inserts+commit)",
            db,
            f"{metrics['generation_s']:.1f} s ({human_count(metrics['components_per_s'])} comps/s)",
            metrics={
                k: metrics[k]
                for k in ("generation_s", "insert_s", "commit_s", "components_per_s", "rows_per_s")
            },
        ),
        Result(
            f"{label} (peak RSS)",
            db,
            human_bytes(metrics["peak_rss_bytes"]),
            metrics={"peak_rss_bytes": metrics["peak_rss_bytes"]},
        ),
    ]
    return rows


def bench_sqlite(settings: Settings, workdir: Path) -> tuple[list[Result], Dataset]:
    """Generate the full dataset into a fresh SQLite file."""
    path = workdir / "generate.sqlite"
    url = sqlite_url(path)
    migrate(url, workdir)
    metrics = run_generate(url, settings.buildings, settings.components, workdir, "sqlite")
    metrics["db_size_bytes"] = sqlite_size(path)
    notes = [f"SQLite file {human_bytes(metrics['db_size_bytes'])} after generation"]
    return _results(metrics, "sqlite", notes), Dataset(
        url, "sqlite", settings.buildings, settings.components
    )


def bench_postgres(settings: Settings, workdir: Path, server) -> tuple[list[Result], Dataset]:
    """Generate on PostgreSQL; a 10% probe first decides whether the full size fits 3 min."""
    notes: list[str] = []
    buildings, components = settings.buildings, settings.components
    if not settings.quick:
        probe_url = server.new_database("mpx_gen_probe")
        migrate(probe_url, workdir)
        probe_b, probe_c = max(1, buildings // 10), components // 10
        probe = run_generate(probe_url, probe_b, probe_c, workdir, "postgresql-probe")
        projected = probe["startup_s"] + probe["material_load_s"] + probe["generation_s"] * 10
        notes.append(
            f"probe {human_count(probe_c)} comps: {probe['cli_wall_s']:.1f} s wall; "
            f"projected {human_count(components)}: {projected:.0f} s"
        )
        if projected > settings.pg_limit_s:
            notes.append(
                f"full size projected over {settings.pg_limit_s:.0f} s: "
                f"reporting the {human_count(probe_c)} probe instead"
            )
            log(f"postgresql: projected {projected:.0f} s for the full size, keeping the probe")
            probe["projected_full_s"] = projected
            return _results(probe, "postgresql", notes), Dataset(
                probe_url, "postgresql", probe_b, probe_c
            )
        server.drop_database(probe_url)
    url = server.new_database("mpx_gen")
    migrate(url, workdir)
    metrics = run_generate(
        url, buildings, components, workdir, "postgresql", timeout_s=None if settings.quick else 900
    )
    metrics["db_size_bytes"] = scalar(url, "SELECT pg_database_size(current_database())")
    notes.append(f"database {human_bytes(metrics['db_size_bytes'])} after generation")
    return _results(metrics, "postgresql", notes), Dataset(url, "postgresql", buildings, components)
