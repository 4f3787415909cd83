"""`make serve`: ProductionConfig under gunicorn with several workers on PostgreSQL and Redis."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import BACKEND
from tests.conftest import PASSWORD
from tests.redis_server import free_port
from tests.redis_server import redis_binary
from tests.redis_server import throwaway_redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _wait_ready(base: str, process: subprocess.Popen, seconds: float = 60) -> requests.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, stderr = process.communicate()
            raise AssertionError(f"make serve exited with {process.returncode}:\n{stderr[-3000:]}")
        try:
            response = requests.get(f"{base}/readyz", timeout=5)
            if response.status_code == 200:
                return response
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn never became ready")


def _job_workers(redis_url: str, seconds: float = 30) -> list:
    """The RQ workers registered on the job queue, once there is one (or [] after `seconds`)."""
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(redis_url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = Worker.all(connection=connection)
        if workers:
            return workers
        time.sleep(0.2)
    return []


def _signing_key(folder):
    from passports.untp.signing import write_key

    path = folder / "credential_signing_key.pem"
    write_key(path)
    return path


def test_make_serve_refuses_to_start_without_a_database():
    env = {**os.environ, "DATABASE_URL": "", "SECRET_KEY": "x" * 40}
    result = subprocess.run(
        ["make", "-s", "serve", f"BIN={BIN}"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "make serve needs DATABASE_URL" in result.stderr


@pytest.mark.skipif(BACKEND != "postgresql", reason="production serving runs on PostgreSQL")
@pytest.mark.skipif(redis_binary() is None, reason="redis-server not installed")
def test_make_serve_runs_production_with_several_workers(app, make_user, tmp_path):
    owner = make_user("owner")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with throwaway_redis() as redis_url:
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "production-secret-" + "k" * 32,
            "CREDENTIAL_SIGNING_KEY": str(_signing_key(tmp_path)),
            "RATELIMIT_STORAGE_URI": redis_url,
            "JOB_QUEUE_URL": redis_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "PORT": str(port),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "3",
            "PUBLIC_BASE_URL": base,
        }
        env.pop("APP_ENV", None)
        process = subprocess.Popen(
            ["make", "-s", "serve", f"BIN={BIN}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            ready = _wait_ready(base, process)
            assert ready.json()["checks"] == {
                "database": "ok",
                "schema": "ok",
                "uploads": "ok",
                "rate_limit_storage": "ok",
            }
            assert ready.headers["Content-Security-Policy"].startswith("default-src 'self'")
            assert "Strict-Transport-Security" in ready.headers

            token = requests.post(
                f"{base}/api/v1/auth/tokens",
                json={"email": owner.email, "password": PASSWORD},
                timeout=10,
            )
            assert token.status_code == 201, token.text
            headers = {"Authorization": f"Bearer {token.json()['token']}"}
            for _ in range(20):
                response = requests.get(f"{base}/api/v1/buildings", headers=headers, timeout=10)
                assert response.status_code == 200
            children = subprocess.run(
                ["pgrep", "-f", "gunicorn -c gunicorn.conf.py wsgi:app"],
                capture_output=True,
                text=True,
            ).stdout.split()
            assert len(children) >= 4  # the master and three workers
            assert _job_workers(redis_url), "make serve started no job worker"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)

    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    requests_logged = [line for line in lines if line.get("message") == "request"]
    assert any(
        line["path"] == "/api/v1/buildings"
        and line["status"] == 200
        and line["user_id"] == owner.id
        for line in requests_logged
    )
    assert all(isinstance(line["pid"], int) for line in requests_logged)
    assert any(line["logger"] == "gunicorn.error" for line in lines)
