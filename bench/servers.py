"""Servers of the HTTP benchmarks: a gunicorn of their own, and wrk as the load against it.

gunicorn() starts `python -m gunicorn <args>` in a session of its own, waits until it answers
200 on a given path, and stops the master and its workers on exit; scan serves
bench.scan_app with it, mixed and faults serve wsgi:app as `make serve` does. run_wrk() runs
wrk with one of the Lua scripts next to this file, which all print their figures as one
`BENCH_JSON {...}` line at the end (bench/wrk_report.lua).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import spawn


@dataclass
class Server:
    """A running gunicorn: its URL, the pid of its master process and its log file."""

    base_url: str
    pid: int
    log_path: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(base_url: str, path: str, headers: dict | None = None) -> int:
    """The HTTP status of one GET (OSError when nothing answers)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def children(pid: int) -> list[int]:
    """Pids of the direct children of a process (a gunicorn master's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@contextmanager
def gunicorn(
    args: list[str],
    env: dict,
    port: int,
    log_path: Path,
    ready_path: str,
    *,
    ready_headers: dict | None = None,
    ready_s: float = 60,
    stop_s: float = 20,
):
    """`python -m gunicorn <args>` listening on 127.0.0.1:`port` (the args or env say so),
    output to `log_path`; ready once GET `ready_path` answers 200, within `ready_s` seconds
    or RuntimeError with the end of the log. On exit SIGTERM to its session (the master and
    its workers), SIGKILL when it is not gone after `stop_s` seconds."""
    with log_path.open("wb") as out:
        proc = spawn([sys.executable, "-m", "gunicorn", *args], env, out)
    server = Server(f"http://127.0.0.1:{port}", proc.pid, log_path)
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{tail(log_path)}")
            try:
                if status(server.base_url, ready_path, ready_headers) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready in {ready_s:g} s:\n{tail(log_path)}")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=stop_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def run_wrk(
    script: Path,
    base_url: str,
    seconds: int,
    connections: int,
    script_args: list[str],
    threads: int = 1,
) -> dict:
    """One wrk run of a script that prints `BENCH_JSON {...}` when done: those figures, with
    the request rate added as `per_s`. RuntimeError when wrk fails or prints no figures."""
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base_url,
        "--",
        *script_args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    lines = [x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    figures = json.loads(lines[-1].removeprefix("BENCH_JSON "))
    figures["per_s"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures
