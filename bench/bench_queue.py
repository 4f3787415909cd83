"""Benchmark `queue`: a 10,000-label sheet through the job queue, on SQLite and PostgreSQL.

A building of 10,000 components; gunicorn (gunicorn.conf.py, wsgi:app, two web workers), one
`flask jobs worker` and a throwaway Redis, as `make serve` runs them. The owner logs in through
the login form and asks for the whole building on L7160 sheets:

- the web requests: `GET /buildings/<id>/labels.pdf` (which counts the selection and answers
  the page that starts a job) and `POST /buildings/<id>/labels/jobs` (which queues it), each
  asked REQUESTS times after one warm-up request per web worker: target p95 under 200 ms for
  the POST; the extra jobs are taken off the queue at once, so one sheet is drawn;
- the sheet: from the first POST until its status says done, polled through the web as the
  progress page does: target at most 20 s; then the PDF is downloaded and its pages counted.

Run it alone with `python -m bench.bench_queue [--quick] [--db sqlite postgresql]` (--quick: a
2,000-label sheet).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from bench import servers
from bench.common import PASSWORD
from bench.common import ROOT
from bench.common import log
from bench.common import row
from bench.common import spawn
from bench.common import stats_ms
from bench.common import subprocess_env
from bench.report import print_rows

LABELS = 10_000
REQUESTS = 10
WARM_UP = 2  # one request per web worker first: its first request loads what it lazily imports
TARGET_REQUEST_MS = 200.0
TARGET_READY_S = 20.0
PG_PORT = 5453
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _prepare(url: str, labels: int) -> tuple[int, str]:
    """A migrated database with the library, an owner and one building of `labels` components."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from passports import services
    from passports import synthetic

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        services.load_material_library()
        org = accounts.create_organisation("Bench queue owner", "municipality")
        user = accounts.create_user("bench-queue@example.org", PASSWORD, "owner", org)
        ids = synthetic.generate(1, labels, organisation=org, seed=5)
        db.session.commit()
        email = user.email
        db.session.remove()
        db.engine.dispose()
    return ids["buildings"][0], email


def _token(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _timed(call) -> tuple[float, requests.Response]:
    start = time.perf_counter()
    response = call()
    return time.perf_counter() - start, response


def _run_database(db_name: str, url: str, workdir: Path, labels: int) -> list[dict]:
    from passports.untp.signing import write_key
    from tests.redis_server import throwaway_redis

    log(f"queue [{db_name}]: a building of {labels:,} components")
    building_id, email = _prepare(url, labels)
    key = workdir / f"key-{db_name}.pem"
    write_key(key)
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        redis_url = stack.enter_context(throwaway_redis())
        env = subprocess_env(
            url,
            APP_ENV="development",
            SECRET_KEY=secrets.token_hex(32),
            CREDENTIAL_SIGNING_KEY=str(key),
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            UPLOAD_DIR=str(workdir / f"uploads-{db_name}"),
            JOB_QUEUE_URL=redis_url,
            LOG_LEVEL="WARNING",
        )
        worker_log = workdir / f"worker-{db_name}.log"
        out = stack.enter_context(worker_log.open("wb"))
        worker = spawn([sys.executable, "-m", "flask", "jobs", "worker"], env, out)
        stack.callback(_stop, worker)
        stack.enter_context(
            servers.gunicorn(
                ["-c", "gunicorn.conf.py", "wsgi:app"],
                env,
                port,
                workdir / f"gunicorn-{db_name}.log",
                "/readyz",
                ready_s=90,
            )
        )
        session = requests.Session()
        page = session.get(f"{base}/login", timeout=10).text
        answer = session.post(
            f"{base}/login",
            data={"email": email, "password": PASSWORD, "csrf_token": _token(page)},
            allow_redirects=False,
            timeout=10,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"login answered {answer.status_code}")
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        queue = Queue("mpx", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
        sheet_url = f"{base}/buildings/{building_id}/labels.pdf?layout=l7160"
        page_times, post_times, job_urls = [], [], []
        for _ in range(WARM_UP + REQUESTS):
            took, page = _timed(lambda: session.get(sheet_url, timeout=30))
            if page.status_code != 200 or "labels/jobs" not in page.text:
                raise RuntimeError(f"GET labels.pdf answered {page.status_code}, not the job page")
            page_times.append(took)
        page_times = page_times[WARM_UP:]
        log(f"queue [{db_name}]: {REQUESTS} sheet jobs asked for (one is kept)")
        first_at = None
        for n in range(-WARM_UP, REQUESTS):
            data = {"layout": "l7160", "csrf_token": _token(page.text)}
            started = time.perf_counter()
            took, answer = _timed(
                lambda data=data: session.post(
                    f"{base}/buildings/{building_id}/labels/jobs",
                    data=data,
                    allow_redirects=False,
                    timeout=30,
                )
            )
            if answer.status_code != 303:
                raise RuntimeError(f"POST labels/jobs answered {answer.status_code}")
            if n >= 0:
                post_times.append(took)
            job_url = base + answer.headers["Location"]
            if n == -WARM_UP:
                first_at = started
                job_urls.append(job_url)
            else:  # one sheet is enough: the others leave the queue before a worker takes them
                queue.remove(job_url.rstrip("/").rsplit("/", 1)[1])
        log(f"queue [{db_name}]: waiting for the sheet")
        polls, status = 0, {}
        deadline = time.perf_counter() + 600
        while time.perf_counter() < deadline:
            status = session.get(f"{job_urls[0]}/status", timeout=10).json()
            polls += 1
            if status["status"] != "running":
                break
            time.sleep(0.1)
        ready_s = time.perf_counter() - first_at
        if status.get("status") != "done":
            raise RuntimeError(f"the sheet job ended {status}")
        pdf = session.get(base + status["download"], timeout=60)
        if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
            raise RuntimeError(f"the sheet download answered {pdf.status_code}")
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf.content))
        job_id = job_urls[0].rstrip("/").rsplit("/", 1)[1]
        state_file = workdir / f"uploads-{db_name}" / "jobs" / f"{job_id}.json"
        timing = json.loads(state_file.read_text()).get("result", {}).get("timing", {})
    post = stats_ms(post_times)
    page_stats = stats_ms(page_times)
    metrics = {
        "labels": labels,
        "pages": pages,
        "pdf_bytes": len(pdf.content),
        "post_ms": post,
        "page_ms": page_stats,
        "ready_s": ready_s,
        "status_polls": polls,
        "job_timing": timing,
    }
    return [
        row(
            f"queue: {labels:,}-label sheet, web request (POST, p95 of {REQUESTS})",
            db_name,
            f"{post['p95_ms']:.0f} ms (GET of the page p95 {page_stats['p95_ms']:.0f} ms)",
            f"< {TARGET_REQUEST_MS:.0f} ms",
            post["p95_ms"] < TARGET_REQUEST_MS,
            metrics,
        ),
        row(
            f"queue: {labels:,}-label sheet ready (real worker, Redis)",
            db_name,
            f"{ready_s:.1f} s, {pages} pages, {len(pdf.content) / 2**20:.1f} MB",
            f"<= {TARGET_READY_S:.0f} s",
            ready_s <= TARGET_READY_S,
            metrics,
            [
                f"in the job: components read in {timing.get('read_s')} s, drawn by "
                f"{timing.get('drawn_s')} s, saved by {timing.get('total_s')} s; CPU "
                f"{timing.get('cpu_s')} s (the job's process and its symbol processes)"
            ],
        ),
    ]


def _stop(proc) -> None:
    import os
    import signal
    import subprocess

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run(quick: bool, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """Both figures on each database; a failure becomes an ERROR row."""
    labels = 2_000 if quick else LABELS
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-queue-") as folder, ExitStack() as stack:
        workdir = Path(folder)
        for db_name in databases:
            try:
                if db_name == "sqlite":
                    url = f"sqlite:///{workdir / 'queue.sqlite'}"
                else:
                    from tests.pg import throwaway_cluster

                    log("queue: starting a throwaway PostgreSQL cluster")
                    url = stack.enter_context(
                        throwaway_cluster(dbname="mpx_bench_queue", port=PG_PORT)
                    )
                rows += _run_database(db_name, url, workdir, labels)
            except Exception as exc:  # reported as an ERROR row; the other database still runs
                log(f"queue [{db_name}] failed: {exc!r}")
                rows.append(row("queue", db_name, f"ERROR: {type(exc).__name__}: {exc}"[:300]))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the queue benchmark and print its table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_queue", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a 2,000-label sheet")
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    args = parser.parse_args(argv)
    print_rows(run(args.quick, tuple(args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
