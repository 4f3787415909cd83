"""Shared pieces of the benchmarks: results, statistics, databases and subprocesses.

- results: result rows, settings, statistics, formats, progress and login;
- processes: subprocesses, their environment and timing, and SIGTERM as an exit;
- databases: statements and plans, migrations, SQLite files, queries and a PostgreSQL cluster.
"""

from bench.common.databases import PG_PORT  # noqa: F401
from bench.common.databases import PostgresServer  # noqa: F401
from bench.common.databases import explain  # noqa: F401
from bench.common.databases import migrate  # noqa: F401
from bench.common.databases import normalise_url  # noqa: F401
from bench.common.databases import record_statements  # noqa: F401
from bench.common.databases import scalar  # noqa: F401
from bench.common.databases import sqlite_size  # noqa: F401
from bench.common.databases import sqlite_url  # noqa: F401
from bench.common.processes import Finished  # noqa: F401
from bench.common.processes import flask_command  # noqa: F401
from bench.common.processes import run_measured  # noqa: F401
from bench.common.processes import sigterm_as_exit  # noqa: F401
from bench.common.processes import spawn  # noqa: F401
from bench.common.processes import subprocess_env  # noqa: F401
from bench.common.results import PASSWORD  # noqa: F401
from bench.common.results import ROOT  # noqa: F401
from bench.common.results import Result  # noqa: F401
from bench.common.results import Settings  # noqa: F401
from bench.common.results import human_bytes  # noqa: F401
from bench.common.results import human_count  # noqa: F401
from bench.common.results import log  # noqa: F401
from bench.common.results import login  # noqa: F401
from bench.common.results import row  # noqa: F401
from bench.common.results import stats_ms  # noqa: F401
