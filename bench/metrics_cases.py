"""The figures of the `metrics` benchmark: the passport PDF in a fresh process (wall time, peak
RSS and Python allocations), the passport JSON and its import, and the dashboards over many
components with the cost of keeping their aggregates current."""

from __future__ import annotations

import json
import sys
import time
import tracemalloc

from bench.common import login
from bench.common import row
from bench.metrics_world import ROOT
from bench.metrics_world import World
from bench.metrics_world import log_progress
from bench.metrics_world import peak_rss_bytes
from bench.metrics_world import timed_requests
from bench.metrics_world import timing_stats

PDF_COMPONENTS, PDF_TARGET_S = 2_000, 15.0
JSON_COMPONENTS, JSON_TARGET_S = 10_000, 1.0
DASHBOARD_TARGET_MS = 500.0


def pdf_child(url: str, building_id: int, email: str) -> None:
    """In a fresh process: log in, fetch the PDF twice (the second under tracemalloc), and
    print the figures as JSON on stdout; the parent reads this process's peak RSS."""
    from app import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    login(client, email)
    path = f"/buildings/{building_id}/passport.pdf"
    client.get("/dashboard/")  # imports and templates warm, as in a running server
    baseline = peak_rss_bytes()
    start = time.perf_counter()
    response = client.get(path)
    wall_s = time.perf_counter() - start
    if response.status_code != 200 or not response.data.startswith(b"%PDF"):
        raise SystemExit(f"GET {path} answered {response.status_code}")
    after_first = peak_rss_bytes()
    tracemalloc.start()
    client.get(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = response.data.count(b"/Type /Page") - response.data.count(b"/Type /Pages")
    print(
        json.dumps(
            {
                "wall_s": wall_s,
                "pdf_bytes": len(response.data),
                "pages": pages,
                "rss_before_request_bytes": baseline,
                "rss_after_request_bytes": after_first,
                "tracemalloc_peak_bytes": peak,
            }
        )
    )


def bench_pdf(world: World) -> dict:
    """The 2,000-component passport PDF, in a fresh process: wall time and peak RSS."""
    import subprocess

    (building_id, _) = world.generate(1, PDF_COMPONENTS, seed=21)
    world.refresh((building_id, building_id))
    cmd = [
        sys.executable,
        "-m",
        "bench.bench_metrics",
        "--pdf-child",
        world.url,
        str(building_id),
        world.email,
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the PDF child process failed: {done.stderr[-300:]!r}")
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    peak_rss = figures["rss_after_request_bytes"]
    wall_s = figures["wall_s"]
    return row(
        f"metrics: passport PDF ({PDF_COMPONENTS:,} comps)",
        world.db_name,
        f"{wall_s:.2f} s, {figures['pages']} pages, peak RSS {peak_rss / 2**20:.0f} MB",
        f"<= {PDF_TARGET_S:.0f} s",
        wall_s <= PDF_TARGET_S,
        {"components": PDF_COMPONENTS, **figures, "peak_rss_bytes": peak_rss},
        [
            "measured in a fresh process (app loaded, logged in), so the peak RSS is the "
            "PDF's own; the process held "
            f"{figures['rss_before_request_bytes'] / 2**20:.0f} MB before the request"
        ],
    )


def bench_json(world: World, iterations: int) -> list[dict]:
    """The 10,000-component passport JSON, and its import into another organisation."""
    (building_id, _) = world.generate(1, JSON_COMPONENTS, seed=22)
    world.refresh((building_id, building_id))
    path = f"/api/v1/buildings/{building_id}/passport.json"
    samples = timed_requests(world, path, api=True, warmup=1, iterations=iterations)
    stats = timing_stats(samples)
    body = world.get(path, api=True).data
    document = json.loads(body)
    start = time.perf_counter()
    imported = world.client.post(
        "/api/v1/passports/import", headers=world.headers(other=True), json=document
    )
    import_s = time.perf_counter() - start
    if imported.status_code != 201:
        raise RuntimeError(f"import answered {imported.status_code}: {imported.data[:300]!r}")
    rows = [
        row(
            f"metrics: passport JSON ({JSON_COMPONENTS:,} comps)",
            world.db_name,
            f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
            f"<= {JSON_TARGET_S * 1000:.0f} ms",
            stats["p95_ms"] <= JSON_TARGET_S * 1000,
            {**stats, "response_bytes": len(body), "components": JSON_COMPONENTS},
        ),
        row(
            f"  passport import ({JSON_COMPONENTS:,} comps)",
            world.db_name,
            f"{import_s:.1f} s",
            metrics={"wall_s": import_s, "components": JSON_COMPONENTS},
        ),
    ]
    return rows


def bench_dashboard(world: World, quick: bool, iterations: int) -> list[dict]:
    """The dashboards over the generated data, after one refresh, and a write's cost."""
    buildings, components = (20, 20_000) if quick else (1_000, 1_000_000)
    log_progress(
        f"[{world.db_name}] generating {components:,} components in {buildings:,} buildings"
    )
    start = time.perf_counter()
    first, _last = world.generate(buildings, components, seed=23)
    generate_s = time.perf_counter() - start
    log_progress(f"[{world.db_name}] scoring and summarising (flask dashboard refresh)")
    refreshed = world.refresh()
    city = "Amsterdam"
    label = "1M" if components == 1_000_000 else f"{components // 1000}k"
    rows = [
        row(
            f"  dashboard refresh ({label} comps)",
            world.db_name,
            f"score {refreshed['scoring_s']:.1f} s + aggregate "
            f"{refreshed['aggregate_refresh_s']:.1f} s",
            metrics={**refreshed, "generate_s": generate_s},
        )
    ]
    for name, path, api in (
        ("organisation page", "/dashboard/organisation", False),
        ("organisation JSON", "/api/v1/dashboard/organisation", True),
        ("city page", f"/dashboard/cities/{city}", False),
    ):
        samples = timed_requests(world, path, api=api, warmup=2, iterations=iterations)
        stats = timing_stats(samples)
        in_scope = components if name.startswith("organisation") else components // 8
        rows.append(
            row(
                f"metrics: dashboard {name} ({label} in DB)",
                world.db_name,
                f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
                f"<= {DASHBOARD_TARGET_MS:.0f} ms",
                stats["p95_ms"] <= DASHBOARD_TARGET_MS,
                {**stats, "components_in_scope": in_scope, "components_in_db": components},
            )
        )
    component = world.get(f"/api/v1/buildings/{first}/components?per_page=1", api=True).json[
        "items"
    ][0]
    samples = []
    for i in range(max(3, iterations // 2)):
        start = time.perf_counter()
        response = world.client.patch(
            f"/api/v1/components/{component['id']}",
            headers=world.headers(),
            json={"condition": 1 + i % 5},
        )
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"PATCH answered {response.status_code}")
    stats = timing_stats(samples)
    per_building = components // buildings
    rows.append(
        row(
            f"  component edit incl. refresh ({per_building:,}-comp building)",
            world.db_name,
            f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
            metrics=stats,
        )
    )
    return rows
