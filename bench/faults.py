"""Benchmark `faults`: what clients see when the database restarts or the disk fills up.

1. PostgreSQL under load. A threaded Python client sends the mixed workload of bench.mixed
   (scans, searches, event writes) to the production-like gunicorn of bench.mixed for
   `--duration` seconds (30), recording every answer with its time. At a third of the run
   the cluster is restarted (`pg_ctl restart -m fast`, as tests.pg runs it); at two thirds
   it is stopped, left down for a few seconds and started again. Gunicorn is never touched.
   Expected: every failed request is a 503 with Retry-After (no 500, no socket error, no
   hang beyond the client's 10 s timeout), and requests succeed again after each fault
   without restarting the app. Printed: counts by status, a per-second timeline around the
   faults, and the time to recovery (from the fault to the first success after the last
   failure).
2. A full disk during photo uploads. UPLOAD_DIR is a 1 MiB tmpfs (so this part needs root;
   elsewhere it says `skipped: needs root`), a quarter of it taken by a filler file. A
   contractor uploads photos (one noisy JPEG per event, about 150 KB) through the real
   server until it answers 507. Expected: a clear 507 message, no partial or temporary file
   in the folder, one stored file per photo row and one event per 201 (no orphan rows);
   and once the filler is deleted, the next upload succeeds, again without a restart.

Run alone with `python -m bench.faults [--duration 30] [--quick]` (it builds a small
database first); `python -m bench` runs it after bench.mixed, on the same database.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import servers
from bench.common import PostgresServer
from bench.common import Result
from bench.common import log
from bench.common import scalar
from bench.common import sigterm_as_exit
from bench.mixed import HTML_SHARE
from bench.mixed import MIX
from bench.mixed import Sizes
from bench.mixed import Workload
from bench.mixed import prepare
from bench.mixed import production_server

CLIENT_THREADS = 6
CLIENT_TIMEOUT_S = 10
OUTAGE_S = 3
TMPFS_BYTES = 1024 * 1024
FILLER_BYTES = 256 * 1024


@dataclass
class Answer:
    """One request as the client saw it."""

    at: float  # seconds since the run started, when the answer (or error) came
    kind: str  # scan | search | event
    status: int | None  # None: no HTTP answer
    error: str = ""  # socket | timeout
    retry_after: bool = False


@dataclass
class Fault:
    """A fault injected into the run: what, and when it started and ended (run seconds)."""

    name: str
    started: float
    ended: float


# --- 1. the database restarts under load ------------------------------------------------


class Client(threading.Thread):
    """Sends the mixed workload over one keep-alive connection until told to stop."""

    def __init__(self, base_url: str, workload: Workload, epoch: float, stop: threading.Event):
        super().__init__(daemon=True)
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.tags = workload.lines("tags")
        self.searches = workload.lines("searches")
        self.components = workload.lines("components")
        self.buyer = f"Bearer {workload.buyer_token}"
        self.contractor = f"Bearer {workload.contractor_token}"
        self.epoch, self.stop = epoch, stop
        self.answers: list[Answer] = []
        self.random = random.Random()

    def _request(self) -> tuple[str, str, str, dict, bytes | None]:
        roll = self.random.random()
        if roll < MIX["scan"]:
            html = self.random.random() < HTML_SHARE
            accept = "text/html" if html else "application/json"
            return "scan", "GET", f"/t/{self.random.choice(self.tags)}", {"Accept": accept}, None
        if roll < MIX["scan"] + MIX["search"]:
            headers = {"Accept": "application/json", "Authorization": self.buyer}
            return "search", "GET", self.random.choice(self.searches), headers, None
        body = json.dumps({"kind": "note", "notes": "faults benchmark"}).encode()
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": self.contractor,
            "Idempotency-Key": f"faults-{secrets.token_hex(12)}",
        }
        path = f"/api/v1/components/{self.random.choice(self.components)}/events"
        return "event", "POST", path, headers, body

    def run(self) -> None:
        conn = None
        while not self.stop.is_set():
            kind, method, path, headers, body = self._request()
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=CLIENT_TIMEOUT_S)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                answer = Answer(
                    time.monotonic() - self.epoch,
                    kind,
                    response.status,
                    retry_after=response.getheader("Retry-After") is not None,
                )
                if response.will_close:
                    conn.close()
                    conn = None
            except TimeoutError:
                answer = Answer(time.monotonic() - self.epoch, kind, None, "timeout")
                conn.close()
                conn = None
            except (OSError, http.client.HTTPException):
                answer = Answer(time.monotonic() - self.epoch, kind, None, "socket")
                conn.close()
                conn = None
            self.answers.append(answer)
        if conn is not None:
            conn.close()


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


# --- 2. the disk fills up during uploads ------------------------------------------------


def _photo() -> bytes:
    """A JPEG of noise: it stays big when the server re-encodes it."""
    from PIL import Image

    side = 360
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
        'filename="site.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    )
    body = head.encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _upload(base_url: str, token: str, component: str) -> tuple[int, dict]:
    parts = urlsplit(base_url)
    body, content_type = _multipart({"kind": "note", "notes": "photo of the fixings"}, _photo())
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CLIENT_TIMEOUT_S)
    try:
        conn.request(
            "POST",
            f"/api/v1/components/{component}/events",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": content_type,
                "Accept": "application/json",
                "Idempotency-Key": f"full-disk-{secrets.token_hex(8)}",
            },
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _skipped(reason: str) -> list[Result]:
    log(f"faults: full disk skipped: {reason}")
    return [
        Result(
            "faults: full disk during photo upload",
            "postgresql",
            f"skipped: {reason}",
            "507, nothing partial",
        )
    ]


def full_disk(workload: Workload, workdir: Path) -> list[Result]:
    """Part 2: upload photos to a real server until its tiny upload disk is full."""
    if os.geteuid() != 0:
        return _skipped("needs root")
    mountpoint = workdir / "tiny-uploads"
    mountpoint.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES // 1024}k", "tmpfs", mountpoint],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return _skipped(f"mount failed ({done.stderr.strip() or done.returncode})")
    try:
        return _fill_the_disk(workload, workdir, mountpoint)
    finally:
        if subprocess.run(["umount", mountpoint], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", mountpoint], capture_output=True)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _fill_the_disk(workload: Workload, workdir: Path, mountpoint: Path) -> list[Result]:
    filler = mountpoint / "filler.bin"
    filler.write_bytes(b"\0" * FILLER_BYTES)
    component = workload.lines("components")[0]
    sql_photos = "SELECT count(*) FROM event_photos"
    sql_events = f"SELECT count(*) FROM component_events WHERE component_id = {int(component)}"
    photos_before, events_before = (
        scalar(workload.url, sql_photos),
        scalar(workload.url, sql_events),
    )
    statuses: list[int] = []
    refusal: dict = {}
    with production_server(
        workload.url, workdir, "faults-disk", workers=2, upload_dir=mountpoint
    ) as server:
        for _ in range(40):
            status, body = _upload(server.base_url, workload.contractor_token, component)
            statuses.append(status)
            if status == 507:
                refusal = body
                break
        # One more while full: still a clean 507, still nothing left behind.
        again, _body = _upload(server.base_url, workload.contractor_token, component)
        statuses.append(again)
        left_over = [p.name for p in _files(mountpoint) if p.name.startswith(".")]
        stored = [p for p in _files(mountpoint) if p != filler and not p.name.startswith(".")]
        photo_rows = scalar(workload.url, sql_photos) - photos_before
        event_rows = scalar(workload.url, sql_events) - events_before
        created = statuses.count(201)
        # Room again: the same server takes the next photo.
        filler.unlink()
        after, _body = _upload(server.base_url, workload.contractor_token, component)
    full_at = statuses.index(507) + 1 if 507 in statuses else None
    consistent = photo_rows == event_rows == created == len(stored)
    ok = (
        full_at is not None
        and again == 507
        and not left_over
        and consistent
        and after == 201
        and set(statuses) <= {201, 507}
    )
    message = refusal.get("message", "")
    figure = (
        f"507 at upload {full_at} ({created} stored), {len(left_over)} partial files, "
        f"{photo_rows - len(stored)} orphan rows, then 201 once freed"
        if full_at
        else f"never full: {Counter(statuses)}"
    )
    return [
        Result(
            "faults: full disk during photo upload",
            "postgresql",
            figure,
            "507, nothing partial",
            ok,
            {
                "tmpfs_bytes": TMPFS_BYTES,
                "filler_bytes": FILLER_BYTES,
                "statuses": statuses,
                "photo_rows_added": photo_rows,
                "event_rows_added": event_rows,
                "files_stored": len(stored),
                "partial_or_temporary_files": left_over,
                "after_freeing": after,
                "refusal": refusal,
            },
            [
                f"UPLOAD_DIR on a {TMPFS_BYTES // 1024} KiB tmpfs with a "
                f"{FILLER_BYTES // 1024} KiB filler; gunicorn 2 workers; statuses in order: "
                f"{' '.join(map(str, statuses))}; after deleting the filler: {after}",
                f"507 body: {json.dumps(refusal)}" if refusal else "no 507 body",
                f"rows added: {event_rows} events, {photo_rows} photos; files stored: "
                f"{len(stored)}; left-over temporary files: {left_over or 'none'}; message: "
                f"{message!r}",
            ],
        )
    ]


def bench(workload: Workload, workdir: Path, duration_s: int = 30) -> list[Result]:
    """Both fault scenarios on a prepared workload (see bench.mixed.prepare)."""
    rows = restart_under_load(workload, workdir, duration_s)
    return rows + full_disk(workload, workdir)


def main(argv: list[str] | None = None) -> int:
    """Command line: a small database, both scenarios, the rows; exit 1 on a failed outcome."""
    from bench.report import finish

    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds under load (30)")
    parser.add_argument(
        "--quick", action="store_true", help="the smallest database (same scenarios)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    sizes = Sizes.for_run(True)  # the faults do not depend on the database's size
    if not args.quick:
        sizes.components, sizes.buildings, sizes.listings = 100_000, 100, 5_000
    with sigterm_as_exit(), ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-faults-")))
        server = PostgresServer(stack)
        workload = prepare(server, workdir, sizes)
        rows = bench(workload, workdir, args.duration)
    return finish(rows, args.json)


if __name__ == "__main__":
    sys.exit(main())
