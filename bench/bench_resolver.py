"""Benchmark `resolver`: the GS1 resolver's linkset, `GET /8004/<giai>` with
`Accept: application/linkset+json`, and the plain tag JSON, `GET /t/<tag>` with
`Accept: application/json`, each against a bare app outside this one.

It runs on the database the generate benchmark left (a million components), with a few
thousand random existing tags. The bare app (bench.bare_app) is a minimal Flask app that reads
the same row with the database driver alone (sqlite3 or psycopg) and answers it as JSON. Both
are served by gunicorn as in production (sync workers, the real app in its production
configuration) at the same time on 127.0.0.1, and wrk (one thread, a few connections) drives
the three routes in alternating rounds (resolver, tag, bare, then bare, tag, resolver, ...), so
changes in background load fall on all alike. The figures are the ratios of request rates,
resolver / bare and tag / bare; the target is at least 0.5 for both. Every round also reads
the CPU time of each server's workers from /proc. Then one linkset request runs with the
statement recorder (how many SQL statements, how long).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench import servers
from bench.bare_app import PATH as BARE_PATH
from bench.common import Result
from bench.common import Settings
from bench.common import human_count
from bench.common import log
from bench.common import normalise_url
from bench.common import subprocess_env
from bench.overview import profile as statement_profile
from bench.scan import sample_tags
from bench.scan import settle
from bench.scan_http import CONNECTIONS_PER_WORKER
from bench.scan_http import children_cpu_seconds
from bench.scan_http import gunicorn as app_gunicorn

TARGET_RATIO = 0.5
WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")
LINKSET = "application/linkset+json"
JSON = "application/json"
# route -> (server, path of a tag, Accept)
ROUTES = ("resolver", "tag", "bare")


def _paths(prefix: str) -> dict[str, tuple[str, str, str]]:
    return {
        "resolver": ("app", f"/8004/{prefix}{{}}", LINKSET),
        "tag": ("app", "/t/{}", JSON),
        "bare": ("bare", BARE_PATH, JSON),
    }


def _bare_gunicorn(url: str, workers: int, workdir: Path, probe: str, label: str):
    port = servers.free_port()
    env = subprocess_env(url, APP_ENV="production")
    args = [
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.bare_app:create()",
    ]
    log_path = workdir / f"gunicorn-bare-{label}.log"
    return servers.gunicorn(args, env, port, log_path, probe)


def _wrk(base_url: str, paths_file: Path, accept: str, seconds: int, connections: int) -> dict:
    figures = servers.run_wrk(WRK_SCRIPT, base_url, seconds, connections, [str(paths_file), accept])
    if figures["errors"]["status"] or figures["errors"]["timeout"] or not figures["requests"]:
        raise RuntimeError(f"wrk saw failed requests: {figures}")
    return figures


def over_http(url: str, tags: list[str], prefix: str, settings: Settings, workdir: Path, label):
    """Request rates of the three routes through gunicorn and wrk, in alternating rounds."""
    routes = _paths(prefix)
    files = {}
    for route, (_server, pattern, _accept) in routes.items():
        files[route] = workdir / f"resolver-paths-{route}-{label}.txt"
        files[route].write_text("".join(pattern.format(t) + "\n" for t in tags))
    workers = settings.scan_workers
    connections = CONNECTIONS_PER_WORKER * workers
    rounds: list[dict] = []
    with (
        app_gunicorn(url, workers, workdir, f"/t/{tags[0]}", f"resolver-{label}") as app_server,
        _bare_gunicorn(url, workers, workdir, BARE_PATH.format(tags[0]), label) as bare_server,
    ):
        server_of = {"app": app_server, "bare": bare_server}
        for route in ROUTES:  # warm up every route in every worker
            server, _pattern, accept = routes[route]
            _wrk(
                server_of[server].base_url,
                files[route],
                accept,
                settings.scan_warmup_s,
                connections,
            )
        for n in range(settings.scan_rounds):
            for route in ROUTES if n % 2 == 0 else ROUTES[::-1]:
                server, _pattern, accept = routes[route]
                master = server_of[server].pid
                before = children_cpu_seconds(master)
                figures = _wrk(
                    server_of[server].base_url,
                    files[route],
                    accept,
                    settings.scan_round_s,
                    connections,
                )
                figures["cpu_s"] = children_cpu_seconds(master) - before
                rounds.append({"round": n, "route": route, **figures})
    out: dict = {"workers": workers, "connections": connections, "rounds": rounds}
    for route in ROUTES:
        mine = [r for r in rounds if r["route"] == route]
        requests = sum(r["requests"] for r in mine)
        seconds = sum(r["duration_us"] for r in mine) / 1e6
        p50 = sorted(r["latency_us"]["p50"] for r in mine)
        out[route] = {
            "requests": requests,
            "per_s": requests / seconds,
            "per_s_by_round": [round(r["per_s"], 1) for r in mine],
            "p50_ms": p50[len(p50) // 2] / 1000,
            "cpu_ms_per_request": sum(r["cpu_s"] for r in mine) / requests * 1000,
        }
    for route in ("resolver", "tag"):
        out[f"{route}_ratio_by_round"] = [
            round(a["per_s"] / b["per_s"], 3)
            for a, b in zip(
                (r for r in rounds if r["route"] == route),
                (r for r in rounds if r["route"] == "bare"),
                strict=True,
            )
        ]
    return out


def _statements(url: str, path: str) -> dict:
    """One linkset request with the statement recorder: how many SQL statements it runs."""
    from app.extensions import db as sqla
    from bench.scan_app import build

    app = build("testing", SQLALCHEMY_DATABASE_URI=normalise_url(url))
    try:
        client = app.test_client()
        client.get(path, headers={"Accept": LINKSET})  # warm: the first request builds caches
        return statement_profile(app, client, path, {"Accept": LINKSET})
    finally:
        with app.app_context():
            sqla.engine.dispose()


def bench(dataset, settings: Settings, workdir: Path) -> list[Result]:
    """Measure the resolver's linkset and the tag JSON against the bare app."""
    import config

    if shutil.which("wrk") is None:
        raise RuntimeError(
            "wrk is not installed: run scripts/ensure-debian-packages.sh postgresql wrk"
        )
    db, url = dataset.db, dataset.url
    prefix = config.Config.GS1_COMPANY_PREFIX
    log(f"resolver {db}: sampling {settings.scan_tags:,} tags, settling the database")
    settle(url)
    tags = sample_tags(url, settings.scan_tags)
    statements = _statements(url, f"/8004/{prefix}{tags[1]}")
    log(
        f"resolver {db}: gunicorn {settings.scan_workers} sync workers (app and bare) + wrk, "
        f"{settings.scan_rounds} rounds of {settings.scan_round_s} s per route"
    )
    http = over_http(url, tags, prefix, settings, workdir, db)
    bare = http["bare"]["per_s"]
    where = f"{human_count(dataset.components)} DB"
    common = {"components_in_db": dataset.components, "tags": len(tags)}
    notes = [
        f"HTTP: gunicorn {http['workers']} sync workers per app, wrk 1 thread "
        f"{http['connections']} connections, {settings.scan_rounds} x {settings.scan_round_s} s "
        "per route, rounds alternating resolver, tag, bare / bare, tag, resolver",
        "CPU ms per request (workers): "
        + ", ".join(f"{r} {http[r]['cpu_ms_per_request']:.2f}" for r in ROUTES),
        f"linkset request: {statements['request_ms']:.2f} ms in-process; one SELECT on the "
        "public-read connection (passports.public_reads; a second one, for the exchange's "
        "listings, only when the component is offered: none is in this database), which the "
        f"statement recorder does not see ({statements['statements']} through SQLAlchemy)",
    ]
    rows = []
    for route, name in (
        ("resolver", f"resolver /8004 linkset vs bare app, HTTP ({where})"),
        ("tag", "  /t/<tag> JSON vs bare app, HTTP"),
    ):
        ratio = http[route]["per_s"] / bare
        rows.append(
            Result(
                name,
                db,
                f"{http[route]['per_s']:,.0f} vs {bare:,.0f} req/s = {ratio:.2f}x",
                f">= {TARGET_RATIO:.2f}x",
                ratio >= TARGET_RATIO,
                {
                    **common,
                    "ratio": ratio,
                    "ratio_by_round": http[f"{route}_ratio_by_round"],
                    "p50_ms": http[route]["p50_ms"],
                    "bare_p50_ms": http["bare"]["p50_ms"],
                    **({"http": http, "statements": statements} if route == "resolver" else {}),
                },
                notes
                if route == "resolver"
                else [
                    "ratio by round " + ", ".join(f"{r:.2f}" for r in http["tag_ratio_by_round"])
                ],
            )
        )
    rows[0].notes.insert(
        1, "ratio by round " + ", ".join(f"{r:.2f}" for r in http["resolver_ratio_by_round"])
    )
    return rows
