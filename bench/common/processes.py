"""Subprocesses of the benchmarks: their environment for a database, starting them in the
repository, timing one with its peak memory, `flask` commands, and SIGTERM handled as an exit
so that temporary files and clusters are removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common.results import ROOT


def subprocess_env(database_url: str, **extra: str) -> dict:
    """Environment for a `flask` subprocess on the given database, as a user would run it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_ENV": "development",
        "FLASK_APP": "app",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    if env["APP_ENV"] == "production" and not env.get("CREDENTIAL_SIGNING_KEY"):
        # Production refuses to start without a credential signing key: a throwaway one.
        from passports.untp.signing import write_key

        path = Path(tempfile.mkdtemp(prefix="mpx-bench-key-")) / "credential_signing_key.pem"
        write_key(path)
        env["CREDENTIAL_SIGNING_KEY"] = str(path)
    return env


@dataclass
class Finished:
    """A finished subprocess: exit code, wall time and peak resident memory."""

    returncode: int
    wall_s: float
    peak_rss_bytes: int
    log_path: Path

    def tail(self, lines: int = 20) -> str:
        """The end of the process output, for error messages."""
        text_ = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text_[-lines:])


def spawn(cmd: list[str], env: dict, out) -> subprocess.Popen:
    """Start a command in the project folder with its output going to the open file `out`,
    no input, in a session of its own: os.killpg(proc.pid, ...) reaches all it starts."""
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_measured(
    cmd: list[str], env: dict, log_path: Path, timeout_s: float | None = None
) -> Finished:
    """Run a command with output to a file; wall time and peak RSS come from wait4."""
    with log_path.open("wb") as out:
        start = time.perf_counter()
        proc = spawn(cmd, env, out)
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if timeout_s is not None and time.perf_counter() - start > timeout_s:
                    os.killpg(proc.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
        except BaseException:
            if proc.returncode is None:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                proc.returncode = -9
            raise
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(proc.returncode, wall, usage.ru_maxrss * 1024, log_path)


def flask_command(
    args: list[str],
    database_url: str,
    log_path: Path,
    timeout_s: float | None = None,
    **extra_env: str,
) -> Finished:
    """Run `flask --app app <args>` in a subprocess against a database."""
    cmd = [sys.executable, "-m", "flask", "--app", "app", *args]
    return run_measured(cmd, subprocess_env(database_url, **extra_env), log_path, timeout_s)


@contextmanager
def sigterm_as_exit():
    """Turn SIGTERM into SystemExit so temporary directories and clusters get cleaned up."""

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
