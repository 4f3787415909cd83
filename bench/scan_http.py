"""The `scan` benchmark over HTTP: gunicorn serving `bench.scan_app:create()`, wrk driving the
scan and bare routes in alternating ABBA rounds, and the CPU time of the workers (and of the
PostgreSQL cluster) read from /proc for each round."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from bench import servers
from bench.common import Settings
from bench.common import normalise_url
from bench.common import subprocess_env
from bench.scan_app import JSON_HEADERS
from bench.scan_app import PATHS
from bench.scan_app import ROUTES

WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")
CONNECTIONS_PER_WORKER = 2
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds of each process, from /proc/<pid>/stat."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    return out


def children_cpu_seconds(parent: int) -> float:
    """CPU seconds of a process's children so far: those alive (user plus system) and those
    it has already reaped (its children's time, /proc/<pid>/stat fields 16 and 17). A gunicorn
    worker recycled during a round (max_requests), or the PostgreSQL backend that served it,
    is counted, not lost."""
    fields = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()
    reaped = (int(fields[13]) + int(fields[14])) / _CLOCK_TICKS
    return reaped + sum(cpu_seconds(servers.children(parent)).values())


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
                app_before = children_cpu_seconds(server.pid)
                db_before = children_cpu_seconds(database) if database else None
                figures = run_wrk(server.base_url, files[route], settings.scan_round_s, connections)
                figures["app_cpu_s"] = children_cpu_seconds(server.pid) - app_before
                figures["db_cpu_s"] = (
                    children_cpu_seconds(database) - db_before if database else None
                )
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
