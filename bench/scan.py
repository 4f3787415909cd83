"""Benchmark `scan`: resolving a printed tag, `GET /t/<tag>` as JSON for an anonymous caller.

It runs on the database the generate benchmark left (a million components), with a few
thousand random existing tags, and compares the scan route with a bare route registered on
the same app by bench.scan_app (one SELECT of the component by its unique tag, a two-field
JSON answer). The figure is the ratio of their request rates; the target is at least 0.5.

- Over HTTP: gunicorn (sync workers, the production configuration) serves
  `bench.scan_app:create()` on 127.0.0.1, and wrk (a C load generator, in its own process,
  one thread, a few connections) drives it. The two routes alternate in timed rounds, in
  ABBA order, so changes in background load fall on both alike. Every round also reads the
  CPU time of the gunicorn workers (and on PostgreSQL of the cluster's processes) from
  /proc, a figure that depends less on what else the machine is doing than a rate does.
- In-process with the Flask test client (testing configuration), every request in its own
  application context, alternating the routes in the same way: server time without HTTP.

Then one request of each kind runs with the statement recorder (count, SQL time, plans), and
a few hundred under cProfile, grouped by package, to show where the scan route's extra time
goes. wrk must be installed (scripts/ensure-debian-packages.sh postgresql wrk).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import secrets
import shutil
import subprocess
import sysconfig
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from sqlalchemy import create_engine
from sqlalchemy import text

from bench import servers
from bench.common import ROOT
from bench.common import Result
from bench.common import Settings
from bench.common import human_count
from bench.common import log
from bench.common import normalise_url
from bench.common import stats_ms
from bench.common import subprocess_env
from bench.overview import profile as statement_profile

TARGET_RATIO = 0.5
ROUTES = ("scan", "bare")
PATHS = {"scan": "/t/{}", "bare": "/bench/bare/{}"}
JSON_HEADERS = {"Accept": "application/json"}
WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")
CONNECTIONS_PER_WORKER = 2
_STDLIB = sysconfig.get_paths()["stdlib"]
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def sample_tags(url: str, count: int) -> list[str]:
    """`count` distinct tags of existing components, drawn at random."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT tag FROM components ORDER BY random() LIMIT :n"), {"n": count}
                ).scalars()
            )
    finally:
        engine.dispose()


def settle(url: str) -> None:
    """On PostgreSQL, VACUUM ANALYZE after the bulk load, as autovacuum would do soon."""
    if not normalise_url(url).startswith("postgresql"):
        return
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


# --- in-process -------------------------------------------------------------------------


def _check(route: str, response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{route}: {response.request.path} answered {response.status_code}")


def in_process(app, tags: list[str], rounds: int) -> dict:
    """Request rates of both routes with the test client, alternating in ABBA rounds."""
    client = app.test_client()
    for route in ROUTES:  # first requests: imports, compiled statement caches, pools
        for tag in tags[:20]:
            _check(route, client.get(PATHS[route].format(tag), headers=JSON_HEADERS))
    body = client.get(PATHS["scan"].format(tags[0]), headers=JSON_HEADERS).get_json()
    if body.get("access") != "public" or body.get("tag") != tags[0]:
        raise RuntimeError(f"/t/<tag> did not answer the public JSON: {body}")
    per_round = max(1, len(tags) // rounds)
    samples: dict[str, list[float]] = {route: [] for route in ROUTES}
    for n in range(rounds):
        chunk = tags[n * per_round : (n + 1) * per_round]
        for route in ROUTES if n % 2 == 0 else ROUTES[::-1]:
            template = PATHS[route]
            for tag in chunk:
                start = time.perf_counter()
                response = client.get(template.format(tag), headers=JSON_HEADERS)
                samples[route].append(time.perf_counter() - start)
                _check(route, response)
    return {
        route: {"per_s": len(values) / sum(values), **stats_ms(values)}
        for route, values in samples.items()
    }


def _package(filename: str, function: str) -> str:
    """Where a profiled function lives: a project module, a library or the standard library."""
    if filename == "~":
        return "driver (C)" if ("sqlite3" in function or "psycopg" in function) else "builtins"
    path = Path(filename)
    if "site-packages" in path.parts:
        parts = path.parts[path.parts.index("site-packages") + 1 :]
        return parts[0].removesuffix(".py")
    if path.is_relative_to(ROOT):
        return str(path.relative_to(ROOT))
    if filename.startswith(_STDLIB):
        return "stdlib " + Path(filename[len(_STDLIB) :].lstrip("/")).parts[0].removesuffix(".py")
    return filename


def cpu_profile(app, tags: list[str], requests: int) -> dict:
    """cProfile of `requests` requests of each route: own time per request by package."""
    client = app.test_client()
    out: dict = {}
    for route in ROUTES:
        paths = [PATHS[route].format(tag) for tag in tags[:requests]]
        profiler = cProfile.Profile()
        profiler.enable()
        for path in paths:
            client.get(path, headers=JSON_HEADERS)
        profiler.disable()
        raw = pstats.Stats(profiler).stats  # {(file, line, function): (cc, nc, tt, ct, callers)}
        by_package: dict[str, float] = defaultdict(float)
        for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in raw.items():
            by_package[_package(filename, function)] += own
        top = sorted(raw.items(), key=lambda item: -item[1][2])[:15]
        n = len(paths)
        out[route] = {
            "requests": n,
            "profiled_us_per_request": sum(by_package.values()) / n * 1e6,
            "by_package_us": {
                k: round(v / n * 1e6, 1) for k, v in sorted(by_package.items(), key=lambda i: -i[1])
            },
            "top_functions_us": [
                {
                    "function": f"{_package(file, func)}:{line}({func})",
                    "own_us": round(stats[2] / n * 1e6, 1),
                    "calls_per_request": round(stats[1] / n, 2),
                }
                for (file, line, func), stats in top
            ],
        }
    scan, bare = out["scan"]["by_package_us"], out["bare"]["by_package_us"]
    extra = {k: round(scan.get(k, 0.0) - bare.get(k, 0.0), 1) for k in scan.keys() | bare.keys()}
    out["extra_us_by_package"] = dict(sorted(extra.items(), key=lambda i: -i[1]))
    return out


# --- over HTTP --------------------------------------------------------------------------


def gunicorn(url: str, workers: int, workdir: Path, probe_path: str, label: str):
    """Serve bench.scan_app:create() with gunicorn sync workers (a context manager)."""
    port = servers.free_port()
    env = subprocess_env(url, APP_ENV="production", BENCH_SECRET_KEY=secrets.token_hex(32))
    env.pop("SECRET_KEY", None)
    args = [
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.scan_app:create()",
    ]
    log_path = workdir / f"gunicorn-{label}.log"
    return servers.gunicorn(args, env, port, log_path, probe_path, ready_headers=JSON_HEADERS)


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds of each process, from /proc/<pid>/stat."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    return out


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's pid when the URL points at a tests.pg cluster, else None."""
    hosts = parse_qs(urlsplit(normalise_url(url)).query).get("host")
    if not hosts:
        return None
    try:
        return int((Path(hosts[0]) / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_wrk(base_url: str, paths_file: Path, seconds: int, connections: int) -> dict:
    """One wrk run over the listed paths; its figures as a dict (errors make it fail)."""
    figures = servers.run_wrk(WRK_SCRIPT, base_url, seconds, connections, [str(paths_file)])
    if figures["errors"]["status"] or figures["errors"]["timeout"] or not figures["requests"]:
        raise RuntimeError(f"wrk saw failed requests: {figures}")
    return figures


def over_http(url: str, tags: list[str], settings: Settings, workdir: Path, label: str) -> dict:
    """Request rates of both routes through gunicorn and wrk, alternating in ABBA rounds."""
    files = {}
    for route in ROUTES:
        files[route] = workdir / f"paths-{route}-{label}.txt"
        files[route].write_text("".join(PATHS[route].format(t) + "\n" for t in tags))
    workers = settings.scan_workers
    connections = CONNECTIONS_PER_WORKER * workers
    probe = PATHS["bare"].format(tags[0])
    rounds: list[dict] = []
    with gunicorn(url, workers, workdir, probe, label) as server:
        database = postmaster_pid(url)
        for route in ROUTES:  # warm up both routes in every worker
            run_wrk(server.base_url, files[route], settings.scan_warmup_s, connections)
        for n in range(settings.scan_rounds):
            for route in ROUTES if n % 2 == 0 else ROUTES[::-1]:
                app_pids = servers.children(server.pid)
                db_pids = servers.children(database) if database else []
                app_before, db_before = _cpu_seconds(app_pids), _cpu_seconds(db_pids)
                figures = run_wrk(server.base_url, files[route], settings.scan_round_s, connections)
                figures["app_cpu_s"] = _spent(app_before, _cpu_seconds(app_pids))
                figures["db_cpu_s"] = _spent(db_before, _cpu_seconds(db_pids)) if database else None
                rounds.append({"round": n, "route": route, **figures})
        log_tail = servers.tail(server.log_path)
    out: dict = {
        "workers": workers,
        "worker_class": "sync",
        "connections": connections,
        "round_s": settings.scan_round_s,
        "rounds": rounds,
        "gunicorn_log_tail": log_tail,
    }
    for route in ROUTES:
        mine = [r for r in rounds if r["route"] == route]
        requests = sum(r["requests"] for r in mine)
        seconds = sum(r["duration_us"] for r in mine) / 1e6
        p50 = sorted(r["latency_us"]["p50"] for r in mine)
        p99 = sorted(r["latency_us"]["p99"] for r in mine)
        out[route] = {
            "requests": requests,
            "per_s": requests / seconds,
            "per_s_by_round": [round(r["per_s"], 1) for r in mine],
            "p50_ms": p50[len(p50) // 2] / 1000,
            "p99_ms": p99[len(p99) // 2] / 1000,
            "app_cpu_ms_per_request": sum(r["app_cpu_s"] for r in mine) / requests * 1000,
            "db_cpu_ms_per_request": (
                sum(r["db_cpu_s"] for r in mine) / requests * 1000 if database else None
            ),
            "connect_or_read_errors": sum(
                r["errors"]["connect"] + r["errors"]["read"] + r["errors"]["write"] for r in mine
            ),
        }
    out["ratio_by_round"] = [
        round(s["per_s"] / b["per_s"], 3)
        for s, b in zip(
            (r for r in rounds if r["route"] == "scan"),
            (r for r in rounds if r["route"] == "bare"),
            strict=True,
        )
    ]
    return out


# --- the benchmark ----------------------------------------------------------------------


def _versions() -> dict:
    import gunicorn as gunicorn_package

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "gunicorn": gunicorn_package.__version__,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
    }


def _cpu_figure(http: dict) -> str:
    scan, bare = http["scan"], http["bare"]
    figure = f"app {scan['app_cpu_ms_per_request']:.2f} vs {bare['app_cpu_ms_per_request']:.2f} ms"
    if scan["db_cpu_ms_per_request"] is not None:
        figure += (
            f", db {scan['db_cpu_ms_per_request']:.2f} vs {bare['db_cpu_ms_per_request']:.2f} ms"
        )
    return figure


def _plan_summary(plan: list[str]) -> str:
    """The access paths of a plan, without costs: which index finds which rows."""
    steps = []
    for line in plan:
        line = re.sub(r"\s*\((cost|actual)[^)]*\)", "", line).strip(" ->")
        line = re.sub(r"^\d+ \d+ \d+ ", "", line)  # EXPLAIN QUERY PLAN ids
        if re.search(r"Scan|SEARCH|SCAN|Loop|Limit|Sort", line):
            steps.append(line)
    return " | ".join(steps)


def _profile_note(profile: dict) -> str:
    extra = [(k, v) for k, v in profile["extra_us_by_package"].items() if v > 0][:6]
    scan_us = profile["scan"]["profiled_us_per_request"]
    bare_us = profile["bare"]["profiled_us_per_request"]
    parts = ", ".join(f"{k} +{v:.0f}" for k, v in extra)
    return (
        f"cProfile (inflates Python code): scan {scan_us:.0f} µs/req vs bare {bare_us:.0f}; "
        f"the extra µs by package: {parts}"
    )


def bench(dataset, settings: Settings, workdir: Path) -> list[Result]:
    """Measure the scan route against the bare lookup on a generated database."""
    from app.extensions import db as sqla
    from bench.scan_app import build

    if shutil.which("wrk") is None:
        raise RuntimeError(
            "wrk is not installed: run scripts/ensure-debian-packages.sh postgresql wrk"
        )
    db, url = dataset.db, dataset.url
    log(f"scan {db}: sampling {settings.scan_tags:,} tags, settling the database")
    settle(url)
    tags = sample_tags(url, settings.scan_tags)
    in_db = None
    app = build("testing", SQLALCHEMY_DATABASE_URI=normalise_url(url))
    try:
        with app.app_context():
            in_db = sqla.session.scalar(text("SELECT count(*) FROM components"))
            sqla.session.remove()
        log(f"scan {db}: in-process test client, {len(tags):,} requests of each route")
        local = in_process(app, tags, settings.scan_rounds)
        client = app.test_client()
        statements = {
            route: statement_profile(app, client, PATHS[route].format(tags[1]), JSON_HEADERS)
            for route in ROUTES
        }
        profile = cpu_profile(app, tags, min(len(tags), 300 if not settings.quick else 100))
    finally:
        with app.app_context():
            sqla.engine.dispose()
    log(
        f"scan {db}: gunicorn {settings.scan_workers} sync workers + wrk, "
        f"{settings.scan_rounds} rounds of {settings.scan_round_s} s per route"
    )
    http = over_http(url, tags, settings, workdir, db)

    ratio = http["scan"]["per_s"] / http["bare"]["per_s"]
    local_ratio = local["scan"]["per_s"] / local["bare"]["per_s"]
    where = f"{human_count(in_db)} DB" if in_db else "generated DB"
    common = {"components_in_db": in_db, "tags": len(tags), **_versions()}
    sql_note = "; ".join(
        f"{route}: {s['statements']} SQL stmt, {s['sql_ms']:.2f} ms SQL of {s['request_ms']:.2f}"
        for route, s in statements.items()
    )
    scan_plan = (
        _plan_summary(statements["scan"]["plans"][0]["plan"]) if statements["scan"]["plans"] else ""
    )
    notes = [
        f"HTTP: gunicorn {http['workers']} sync workers, wrk 1 thread {http['connections']} "
        f"connections, {settings.scan_rounds} x {settings.scan_round_s} s per route; "
        f"p50 {http['scan']['p50_ms']:.1f} vs {http['bare']['p50_ms']:.1f} ms, p99 "
        f"{http['scan']['p99_ms']:.1f} vs {http['bare']['p99_ms']:.1f} ms; ratio by round "
        + ", ".join(f"{r:.2f}" for r in http["ratio_by_round"]),
        f"in-process median {local['scan']['median_ms']:.2f} vs {local['bare']['median_ms']:.2f} "
        f"ms; {sql_note}",
        f"scan query plan: {scan_plan}",
        _profile_note(profile),
    ]
    return [
        Result(
            f"scan /t/<tag> vs bare, HTTP ({where})",
            db,
            f"{http['scan']['per_s']:,.0f} vs {http['bare']['per_s']:,.0f} req/s = {ratio:.2f}x",
            f">= {TARGET_RATIO:.2f}x",
            ratio >= TARGET_RATIO,
            {**common, "ratio": ratio, "http": http},
            notes,
        ),
        Result(
            "  same, in-process test client",
            db,
            f"{local['scan']['per_s']:,.0f} vs {local['bare']['per_s']:,.0f} req/s "
            f"= {local_ratio:.2f}x",
            metrics={
                "ratio": local_ratio,
                "in_process": local,
                "statements": statements,
                "cprofile": profile,
            },
        ),
        Result(
            "  server CPU per request, HTTP",
            db,
            _cpu_figure(http),
            metrics={
                route: {
                    k: http[route][k] for k in ("app_cpu_ms_per_request", "db_cpu_ms_per_request")
                }
                for route in ROUTES
            },
        ),
    ]
