"""Fault 1 of the `faults` benchmark: PostgreSQL restarted, then stopped and started again,
under the client's load; the failures must be 503s with Retry-After that stop once the
database is back, and the report gives counts by status, a timeline and the recovery times."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

from bench import servers
from bench.common import Result
from bench.common import log
from bench.faults_client import CLIENT_THREADS
from bench.faults_client import CLIENT_TIMEOUT_S
from bench.faults_client import Answer
from bench.faults_client import Client
from bench.faults_client import Fault
from bench.mixed_setup import Workload
from bench.mixed_setup import production_server

OUTAGE_S = 3


def _label(answer: Answer) -> str:
    return str(answer.status) if answer.status is not None else answer.error


def _window(answers: list[Answer], fault: Fault, until: float) -> dict:
    """What the clients saw from a fault's start until `until`: failures, recovery."""
    mine = [a for a in answers if fault.started <= a.at < until]
    failed = [a for a in mine if a.status is None or a.status >= 400]
    out = {
        "fault": fault.name,
        "injected_s": round(fault.started, 2),
        "took_s": round(fault.ended - fault.started, 2),
        "requests": len(mine),
        "failed": len(failed),
        "by_status": dict(Counter(_label(a) for a in failed)),
        "recovery_s": 0.0 if not failed else None,
    }
    if failed:
        last_failure = max(a.at for a in failed)
        after = [a.at for a in mine if a.at > last_failure and a.status and a.status < 400]
        out["first_failure_s"] = round(min(a.at for a in failed) - fault.started, 2)
        out["last_failure_s"] = round(last_failure - fault.started, 2)
        if after:
            out["recovery_s"] = round(min(after) - fault.started, 2)
            out["recovery_after_fault_ended_s"] = round(min(after) - fault.ended, 2)
    return out


def _timeline(answers: list[Answer], start: float, end: float) -> str:
    """Answers per second between two run times: `12s 200x41 503x7`."""
    parts = []
    for second in range(int(start), int(end) + 1):
        counts = Counter(_label(a) for a in answers if second <= a.at < second + 1)
        if counts:
            codes = " ".join(f"{code}x{n}" for code, n in sorted(counts.items()))
            parts.append(f"{second}s {codes}")
    return "; ".join(parts)


def _logged_errors(log_text: str, limit: int = 5) -> list[str]:
    """The app's ERROR lines (JSON logs): message and the last line of the exception."""
    found = []
    for line in log_text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        level = str(entry.get("level", "")).lower() if isinstance(entry, dict) else ""
        if level in ("error", "critical") and entry.get("exception"):
            cause = (entry.get("exception") or "").strip().splitlines()
            found.append(f"{entry.get('message')}: {cause[-1] if cause else ''}"[:300])
    return found[:limit]


def _pids(master: int) -> set[int]:
    """The gunicorn master and its workers."""
    return {master, *servers.children(master)}


def restart_under_load(workload: Workload, workdir: Path, duration_s: int) -> list[Result]:
    """Part 1: restart and stop/start PostgreSQL while clients keep sending requests."""
    from tests.pg import pg_ctl

    restart_at, outage_at = duration_s / 3, 2 * duration_s / 3
    with production_server(workload.url, workdir, "faults-db", workers=4) as server:
        workers_before = _pids(server.pid)
        stop = threading.Event()
        epoch = time.monotonic()
        clients = [Client(server.base_url, workload, epoch, stop) for _ in range(CLIENT_THREADS)]
        for client in clients:
            client.start()
        faults = []
        load_before = os.getloadavg()[0]

        def at(moment: float) -> None:
            time.sleep(max(0.0, moment - (time.monotonic() - epoch)))

        try:
            at(restart_at)
            log(f"faults: pg_ctl restart -m fast at {restart_at:.0f} s")
            started = time.monotonic() - epoch
            pg_ctl(workload.url, "restart", mode="fast")
            faults.append(Fault("pg_ctl restart -m fast", started, time.monotonic() - epoch))
            at(outage_at)
            log(f"faults: pg_ctl stop -m fast at {outage_at:.0f} s, start {OUTAGE_S} s later")
            started = time.monotonic() - epoch
            try:
                pg_ctl(workload.url, "stop", mode="fast")
                time.sleep(OUTAGE_S)
            finally:
                pg_ctl(workload.url, "start")
            faults.append(
                Fault(f"stopped {OUTAGE_S} s, started", started, time.monotonic() - epoch)
            )
            at(duration_s)
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=CLIENT_TIMEOUT_S + 5)
        load_after = os.getloadavg()[0]
        same_master = Path(f"/proc/{server.pid}").exists()
        workers_after = _pids(server.pid)
        log_text = server.log_path.read_text(errors="replace")
    answers = sorted((a for c in clients for a in c.answers), key=lambda a: a.at)
    by_status = Counter(_label(a) for a in answers)
    failed = [a for a in answers if a.status is None or a.status >= 400]
    unexpected = [a for a in failed if a.status != 503]
    without_retry_after = sum(1 for a in failed if a.status == 503 and not a.retry_after)
    windows = [
        _window(answers, fault, faults[n + 1].started if n + 1 < len(faults) else duration_s)
        for n, fault in enumerate(faults)
    ]
    tail_ok = any(a.status and a.status < 400 for a in answers if a.at > duration_s - 2)
    recovered = all(w["recovery_s"] is not None for w in windows) and tail_ok
    outage_lines = log_text.count("database unavailable")
    dropped_after_answer = log_text.count("database connection lost at the end of a request")
    errors_logged = _logged_errors(log_text)
    timeouts = log_text.count("WORKER TIMEOUT")
    ok = not unexpected and not without_retry_after and recovered and not timeouts
    statuses = ", ".join(f"{code} x{n}" for code, n in sorted(by_status.items()))
    metrics = {
        "duration_s": duration_s,
        "client_threads": CLIENT_THREADS,
        "requests": len(answers),
        "by_status": dict(by_status),
        "failed": len(failed),
        "unexpected_failures": len(unexpected),
        "503_without_retry_after": without_retry_after,
        "windows": windows,
        "gunicorn_master_kept": same_master,
        "gunicorn_workers_replaced": len(workers_before - workers_after),
        "worker_timeouts": timeouts,
        "outage_log_lines": outage_lines,
        "dropped_after_answer_log_lines": dropped_after_answer,
        "errors_logged": errors_logged,
        "loadavg_1min": {"before": load_before, "after": load_after},
    }
    rows = [
        Result(
            "faults: PostgreSQL restart under load",
            "postgresql",
            f"{len(answers):,} req, {len(failed)} failed, "
            + ("all 503 + Retry-After" if not unexpected and not without_retry_after else "")
            + (f"{len(unexpected)} not 503" if unexpected else "")
            + (", recovered" if recovered else ", NOT recovered"),
            "failures 503 only; recovers",
            ok,
            metrics,
            [
                f"{CLIENT_THREADS} client threads, {duration_s} s, gunicorn 4 sync workers "
                f"(master pid kept: {same_master}; workers replaced: "
                f"{len(workers_before - workers_after)}; worker timeouts: {timeouts}); all "
                f"answers: {statuses}; log lines 'database unavailable': {outage_lines}, "
                f"'connection lost at the end of a request': {dropped_after_answer}; load "
                f"average (1 min) {load_before:.2f} -> {load_after:.2f}",
                *(f"logged error: {line}" for line in errors_logged),
                *(
                    f"timeline around '{f.name}': " + _timeline(answers, f.started - 1, f.ended + 2)
                    for f in faults
                ),
            ],
        )
    ]
    for window in windows:
        if window["failed"]:
            codes = ", ".join(f"{code} x{n}" for code, n in sorted(window["by_status"].items()))
            seen = (
                f"{window['failed']} failed ({codes}) between +{window['first_failure_s']} s "
                f"and +{window['last_failure_s']} s"
            )
        else:
            seen = "no failed request"
        recovery = window["recovery_s"]
        if recovery is None:
            recovered_in = "never recovered"
        else:
            back = window.get("recovery_after_fault_ended_s")
            if back is None:
                when = ""
            elif back <= 0:
                when = " (by the time pg_ctl returned)"
            else:
                when = f" ({back:.2f} s after pg_ctl returned)"
            recovered_in = f"recovered in {recovery:.2f} s{when}"
        rows.append(
            Result(
                f"  {window['fault']} (took {window['took_s']:.1f} s)",
                "postgresql",
                f"{seen}; {recovered_in}",
                metrics=window,
            )
        )
    return rows
