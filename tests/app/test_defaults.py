"""Defaults a developer gets from `make run`: a secret key of their own, no debugger unless
asked for. Each start is a new process, as `flask run` is."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from config import DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, sys; from app import create_app; "
    "app = create_app('development', instance_path=sys.argv[1]); "
    "print(json.dumps({'key': app.secret_key, 'debug': app.debug}))"
)


def _start(instance: Path, **env) -> dict:
    """Start a development app in a new process with only these settings; what it runs with."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "FLASK_DEBUG", "APP_DEBUG", "APP_ENV", "DATABASE_URL")
    }
    environ.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-c", SHOW, str(instance)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_secret_key_a_random_one_is_kept_in_the_instance_folder(tmp_path):
    first = _start(tmp_path)
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == first["key"]
    assert first["key"] != DEV_SECRET_KEY and len(first["key"]) >= 48
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert first["debug"] is False  # nobody asked for it
    assert _start(tmp_path)["key"] == first["key"]  # the next start signs with the same key


def test_a_configured_secret_key_is_used_and_debug_comes_with_flask_debug(tmp_path):
    started = _start(tmp_path, SECRET_KEY="k" * 40, FLASK_DEBUG="1")
    assert started == {"key": "k" * 40, "debug": True}
    assert not (tmp_path / "secret_key").exists()


def test_app_debug_asks_for_debug_mode_too(tmp_path):
    assert _start(tmp_path, APP_DEBUG="1")["debug"] is True
