"""A throwaway PostgreSQL cluster for the test suite and benchmarks, from Debian's binaries.

`initdb` refuses to run as root, so as root the cluster is created and started as the
`postgres` user. The server listens on a Unix socket in a fresh temporary directory only.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit


def pg_bindir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin, or the directory of initdb on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def throwaway_cluster(dbname: str = "mpx_test", port: int = 5433):
    """Start a cluster in a temporary directory, yield a SQLAlchemy URL, then delete it all."""
    bindir = pg_bindir()
    root = Path(tempfile.mkdtemp(prefix="mpxpg-"))
    data, sock = root / "data", root
    if os.geteuid() == 0:
        uid = pwd.getpwnam("postgres").pw_uid
        os.chown(root, uid, -1)
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            env=env,
        )
        _start(bindir, root, port)
        subprocess.run(
            [
                str(bindir / "psql") if (bindir / "psql").exists() else "psql",
                "-h",
                str(sock),
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                f"CREATE DATABASE {dbname}",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@/{dbname}?host={sock}&port={port}"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _start(bindir: Path, root: Path, port: int) -> None:
    options = (
        f"-k {root} -p {port} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(root / "data"),
                "-o",
                options,
                "-l",
                str(root / "server.log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    _wait_ready(bindir, root, port)


def pg_ctl(url: str, action: str, mode: str = "fast") -> None:
    """Stop, start or restart the throwaway cluster behind `url` (a throwaway_cluster URL),
    as an operator would: `pg_ctl stop|restart -m <mode>`, or a start with its options."""
    query = parse_qs(urlsplit(url).query)
    root, port = Path(query["host"][0]), int(query["port"][0])
    bindir = pg_bindir()
    if action == "start":
        _start(bindir, root, port)
        return
    if action not in ("stop", "restart"):
        raise ValueError(f"unknown pg_ctl action {action!r}")
    # The log file again on restart: without it the new server writes to pg_ctl's output.
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", mode, "-w"]
            + ["-l", str(root / "server.log"), action]
        ),
        check=True,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=120,
    )
    if action == "restart":
        _wait_ready(bindir, root, port)


def _wait_ready(bindir: Path, sock: Path, port: int, timeout: float = 20.0) -> None:
    ready = bindir / "pg_isready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            subprocess.run(
                [str(ready), "-h", str(sock), "-p", str(port)], capture_output=True
            ).returncode
            == 0
        ):
            return
        time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not become ready")
