"""The `scan` benchmark in-process: the scan and bare routes through the Flask test client,
alternating in ABBA rounds (server time without HTTP), and a cProfile of the scan route grouped
by package."""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

from bench.common import ROOT
from bench.common import stats_ms
from bench.scan_app import JSON_HEADERS
from bench.scan_app import PATHS
from bench.scan_app import ROUTES

_STDLIB = sysconfig.get_paths()["stdlib"]


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
