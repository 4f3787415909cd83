"""Shared pieces of the benchmarks: results, statistics, databases and subprocesses."""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 5439
PASSWORD = "bench password 1234"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Result:
    """One line of the results table, with the raw numbers behind it."""

    benchmark: str
    db: str
    figure: str
    target: str = "-"
    ok: bool | None = None
    metrics: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The result as plain JSON-ready data."""
        return {
            "benchmark": self.benchmark,
            "db": self.db,
            "figure": self.figure,
            "target": self.target,
            "ok": self.ok,
            "metrics": self.metrics,
            "notes": self.notes,
        }


def row(
    benchmark: str,
    db: str,
    figure: str,
    target: str = "-",
    ok: bool | None = None,
    metrics: dict | None = None,
    notes: Iterable[str] | None = None,
) -> dict:
    """One line of the results table as plain data, for the benchmarks that report dicts."""
    return Result(benchmark, db, figure, target, ok, metrics or {}, list(notes or ())).as_dict()


@dataclass
class Settings:
    """Sizes and repetitions of one run; --quick shrinks them for smoke runs."""

    quick: bool = False
    buildings: int = 1_000
    components: int = 1_000_000
    overview_components: int = 10_000
    warmup: int = 5
    iterations: int = 50
    pg_limit_s: float = 180.0
    scan_tags: int = 4000
    scan_rounds: int = 6
    scan_round_s: int = 4
    scan_warmup_s: int = 2
    scan_workers: int = 2

    @classmethod
    def for_run(cls, quick: bool) -> Settings:
        """Full-size targets from the issue (the defaults), or small sizes for a smoke run."""
        if not quick:
            return cls()
        return cls(
            quick=True,
            buildings=20,
            components=20_000,
            warmup=2,
            iterations=10,
            scan_tags=500,
            scan_rounds=2,
            scan_round_s=1,
            scan_warmup_s=1,
        )


def stats_ms(samples: list[float]) -> dict:
    """Median, p95 (nearest rank), mean, min and max of timings given in seconds, in ms."""
    ordered = sorted(samples)
    n = len(ordered)
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    p95 = ordered[max(0, math.ceil(0.95 * n) - 1)]
    return {
        "n": n,
        "median_ms": median * 1000,
        "p95_ms": p95 * 1000,
        "mean_ms": sum(ordered) / n * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def human_count(n: float) -> str:
    """1234567 -> '1.23M', 24100 -> '24.1k'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if n >= 1_000:
        return f"{n / 1_000:.3g}k"
    return f"{n:.3g}"


def human_bytes(n: float) -> str:
    """Bytes as MB or GB."""
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB"


def log(message: str) -> None:
    """Progress line on stderr, so stdout keeps the results."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def login(client, email: str) -> None:
    """Log a test client in through the login form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    match = _CSRF.search(page)
    if not match:
        raise RuntimeError("no CSRF token on /login")
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": match.group(1)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")


@contextmanager
def record_statements(engine):
    """Collect (statement, parameters, ms) of every statement run on the engine."""
    recorded: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("_bench_start", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        start = conn.info["_bench_start"].pop()
        recorded.append(
            {
                "statement": statement,
                "parameters": parameters,
                "ms": (time.perf_counter() - start) * 1000,
            }
        )

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield recorded
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(
    engine, statements: list[dict], reads=("SELECT",), width: int | None = None
) -> list[dict]:
    """Plans of the recorded statements that start with one of `reads`, slowest first (each
    statement on one line, cut to `width` characters when given)."""
    prefix = (
        "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    out = []
    with engine.connect() as conn:
        for item in sorted(statements, key=lambda s: -s["ms"]):
            if not item["statement"].lstrip().upper().startswith(tuple(reads)):
                continue
            rows = conn.exec_driver_sql(prefix + item["statement"], item["parameters"]).all()
            out.append(
                {
                    "ms": round(item["ms"], 3),
                    "statement": " ".join(item["statement"].split())[:width],
                    "plan": [" ".join(str(c) for c in line) for line in rows],
                }
            )
    return out


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


def migrate(database_url: str, workdir: Path) -> None:
    """Bring an empty database to the head revision with `flask db upgrade`."""
    done = flask_command(
        ["db", "upgrade"], database_url, workdir / f"migrate-{uuid.uuid4().hex[:6]}.log"
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.tail()}")


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def sqlite_size(path: Path) -> int:
    """Size of a SQLite database including its WAL file."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def scalar(database_url: str, sql: str):
    """One value from a short-lived connection (the app's URL normalisation applied)."""
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def normalise_url(url: str) -> str:
    """postgresql:// -> postgresql+psycopg://, as the app factory does."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class PostgresServer:
    """One throwaway PostgreSQL cluster for the whole run, started on first use."""

    def __init__(self, stack) -> None:
        self._stack = stack
        self._url: str | None = None
        self.version: str | None = None

    def _start(self) -> str:
        from tests.pg import throwaway_cluster

        log("starting a throwaway PostgreSQL cluster")
        self._url = self._stack.enter_context(throwaway_cluster(dbname="mpx_bench", port=PG_PORT))
        self.version = scalar(self._url, "SHOW server_version")
        return self._url

    def new_database(self, name: str) -> str:
        """Create a fresh database in the cluster and return its URL."""
        base = self._url or self._start()
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return base.replace("/mpx_bench?", f"/{name}?", 1)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database (frees disk early)."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        engine = create_engine(self._url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()


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
