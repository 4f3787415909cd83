"""app.jobs on a real queue: a real Redis (tests.redis_server), real `flask jobs worker`
processes, and gunicorn. Progress written by the worker is read here, in another process; a
failing job is failed in words; a job whose process dies is retried; and an import goes on to
its end, once, when the web worker that accepted it is killed in the middle."""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import func
from sqlalchemy import select

from app import jobs
from tests.conftest import PASSWORD
from tests.redis_server import free_port
from tests.redis_server import redis_binary
from tests.redis_server import throwaway_redis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(redis_binary() is None, reason="redis-server not installed")


# Job functions the worker process imports by name.
@jobs.job_policy(retries=0, timeout=60)
def wait_for_file(path: str) -> dict:
    """Say where it is, then wait (at most 20 s) until the test creates `path`."""
    jobs.progress("waiting", 1, 2)
    deadline = time.monotonic() + 20
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return {"pid": os.getpid()}


def broken() -> None:
    """Fails with an internal detail nobody should read."""
    raise RuntimeError("internal detail: password=hunter2")


@jobs.job_policy(retries=1)
def dies_once(marker: str) -> dict:
    """Its first attempt's process is killed (as by the OOM killer); the second one works."""
    if not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return {"first_pid": int(Path(marker).read_text()), "pid": os.getpid()}


def _env(database_url: str, uploads: Path, redis_url: str, **extra) -> dict:
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "FLASK_APP": "app",
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(uploads),
        "JOB_QUEUE_URL": redis_url,
        "JOB_RETRY_DELAY": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


@contextmanager
def process(cmd: list[str], env: dict, log: Path):
    """A process in a session of its own, its output in `log`; stopped (TERM, then KILL)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def worker(env: dict, log: Path):
    return process([sys.executable, "-m", "flask", "jobs", "worker"], env, log)


def wait_until(check, seconds: float = 30, what: str = "the condition", log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


@pytest.fixture(scope="module")
def queue(tmp_path_factory):
    """A Redis and one worker process for the module, on an uploads folder of their own."""
    folder = tmp_path_factory.mktemp("queue")
    with throwaway_redis() as url:
        env = _env(f"sqlite:///{folder / 'unused.sqlite'}", folder / "uploads", url)
        log = folder / "worker.log"
        with worker(env, log) as proc:
            yield SimpleNamespace(url=url, uploads=folder / "uploads", folder=folder, log=log)
            assert proc.poll() is None, log.read_text()[-3000:]


@pytest.fixture
def on_queue(app, queue):
    app.config.update(JOB_QUEUE_URL=queue.url, JOB_RETRY_DELAY=0, UPLOAD_DIR=str(queue.uploads))
    return queue


def _submit(app, target: str, *args) -> str:
    with app.test_request_context():
        return jobs.submit(target, *args)


def _ended(job_id):
    state = jobs.state(job_id) or {}
    return state if state.get("status") in ("done", "failed") else None


def test_a_worker_process_runs_the_job_and_its_progress_is_read_here(app, on_queue):
    go = on_queue.folder / "go"
    job_id = _submit(app, "tests.app.test_jobs_queue:wait_for_file", str(go))
    running = wait_until(
        lambda: (jobs.state(job_id) or {}).get("phase") == "waiting" and jobs.state(job_id),
        what="the job to start",
        log=on_queue.log,
    )
    assert (running["status"], running["done"], running["total"]) == ("running", 1, 2)
    go.touch()
    state = wait_until(lambda: _ended(job_id), what="the job to end", log=on_queue.log)
    assert state["status"] == "done", state
    assert state["result"]["pid"] != os.getpid()


def test_a_failing_job_is_failed_in_words_and_a_killed_one_is_retried(app, on_queue):
    failing = _submit(app, "tests.app.test_jobs_queue:broken")
    marker = on_queue.folder / "first-attempt"
    retried = _submit(app, "tests.app.test_jobs_queue:dies_once", str(marker))

    state = wait_until(lambda: _ended(failing), what="the failing job", log=on_queue.log)
    assert state["status"] == "failed" and state["attempts"] == 1
    assert "went wrong on our side" in state["message"]
    assert "hunter2" not in str(state) and "Traceback" not in str(state)

    state = wait_until(lambda: _ended(retried), what="the retried job", log=on_queue.log)
    assert state["status"] == "done", state
    assert state["attempts"] == 2
    assert state["result"]["pid"] != state["result"]["first_pid"]


# The web worker killed in the middle of an import.
ROWS = 1500


def _csv(rows: int) -> bytes:
    lines = ["external_id;name;category;storey;quantity;unit;materials;condition"]
    materials = ("Common clay brick", "Gypsum plasterboard", "Lime mortar")
    for i in range(rows):
        lines.append(
            f"EXT-{i:06d};Element {i};internal_wall;{i % 7:02d};{1 + i % 40}.5;m3;"
            f"{materials[i % 3]};{1 + i % 5}"
        )
    return ("\n".join(lines) + "\n").encode()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _status(session, base, building_id, stage_id) -> dict:
    url = f"{base}/buildings/{building_id}/imports/{stage_id}/status"
    return session.get(url, timeout=10).json()


def test_an_import_completes_once_when_its_web_worker_is_killed(
    app, db, make_user, make_building, tmp_path
):
    from passports.imports.models import ImportRun
    from passports.models import Component

    owner = make_user("owner")
    building = make_building(owner)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with throwaway_redis() as url:
        env = _env(uri, tmp_path / "uploads", url)
        web_env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
        web_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        with process(gunicorn, web_env, web_log) as web, worker(env, worker_log):
            wait_until(lambda: _get_ok(f"{base}/readyz"), 60, "gunicorn to be ready", web_log)
            session = requests.Session()
            login_page = session.get(f"{base}/login", timeout=10).text
            answer = session.post(
                f"{base}/login",
                data={"email": owner.email, "password": PASSWORD, "csrf_token": _token(login_page)},
                timeout=10,
                allow_redirects=False,
            )
            assert answer.status_code == 302, answer.text[:500]
            page = session.get(f"{base}/buildings/{building.id}/imports", timeout=10).text
            answer = session.post(
                f"{base}/buildings/{building.id}/imports",
                data={"csrf_token": _token(page)},
                files={"file": ("components.csv", _csv(ROWS), "text/csv")},
                timeout=30,
                allow_redirects=False,
            )
            assert answer.status_code == 302, answer.text[:500]
            stage_id = answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]
            preview = wait_until(
                lambda: (
                    (s := _status(session, base, building.id, stage_id))["status"]
                    not in ("new", "running")
                    and s
                ),
                60,
                "the preview",
                worker_log,
            )
            assert preview["status"] == "done", preview
            page = session.get(f"{base}/buildings/{building.id}/imports/{stage_id}", timeout=10)
            assert "confirm" in page.text, page.text[:2000]
            answer = session.post(
                f"{base}/buildings/{building.id}/imports/{stage_id}/confirm",
                data={"csrf_token": _token(page.text)},
                timeout=10,
                allow_redirects=False,
            )
            assert answer.status_code == 302
            # The web worker that accepted the import is killed while the import runs.
            (accepted,) = _workers(web.pid)
            wait_until(
                lambda: (
                    (s := _status(session, base, building.id, stage_id))["mode"] == "commit"
                    and s["status"] == "running"
                    and (s["done"] > 0 or s["phase"] != "Waiting to start")
                ),
                60,
                "the import to be under way",
                worker_log,
            )
            os.kill(accepted, signal.SIGKILL)
            final = wait_until(
                lambda: (
                    (s := _status(session, base, building.id, stage_id))["status"] != "running"
                    and s
                ),
                120,
                "the import to end",
                worker_log,
            )
            assert accepted not in _workers(web.pid)  # a new web worker answered
    assert final["status"] == "done", final
    db.session.rollback()
    count = db.session.scalar(
        select(func.count(Component.id)).where(Component.building_id == building.id)
    )
    assert count == ROWS
    runs = db.session.scalar(
        select(func.count(ImportRun.id)).where(ImportRun.building_id == building.id)
    )
    assert runs == 1


def _get_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _workers(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return found
