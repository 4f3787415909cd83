"""`flask jobs worker`: the process that runs long work (app.jobs) off the web workers.

It creates the app once, listens on the RQ queue of `JOB_QUEUE_URL` and runs each job in a
forked work horse, inside an application context, so a job that crashes or leaks takes only
its horse with it. A horse that dies (killed, out of memory, past its timeout) has its job
queued again when the job is safe to retry (app.jobs.job_policy), else marked failed with a
message a person can read. The worker stops gracefully on SIGTERM: it finishes the job in hand
(up to the process manager's stop timeout) and takes no new one; see docs/deployment.md.
`--burst` runs what is queued and exits (handy for cron-less maintenance and for tests).
"""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup

log = logging.getLogger(__name__)
jobs_cli = AppGroup("jobs", help="Long work: the job queue and its worker.")
_app: Flask | None = None


def worker_app() -> Flask:
    """The app of this worker process (made once, before the horses fork from it)."""
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def _horse_killed(app: Flask):
    def handler(job, retpid, ret_val, rusage) -> None:
        from app.jobs import record_lost

        with app.app_context():
            record_lost(job.id, bool(job.retries_left and job.retries_left > 0))

    return handler


def make_worker(app: Flask, name: str | None = None):
    """An RQ worker on the app's queue, which records a lost job in the job's state."""
    from rq import Worker
    from rq.serializers import JSONSerializer

    from app.jobs import redis_connection
    from app.jobs import rq_queue

    return Worker(
        [rq_queue(app)],
        name=name,
        connection=redis_connection(app),
        serializer=JSONSerializer,
        work_horse_killed_handler=_horse_killed(app),
    )


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--name", default=None, help="The worker's name (default: host and pid).")
def worker_command(burst: bool, name: str | None) -> None:
    """Run queued jobs (imports, label sheets, reports) until stopped."""
    from app.jobs import queue_url

    global _app
    app = current_app._get_current_object()
    if not queue_url(app):
        raise click.ClickException(
            "JOB_QUEUE_URL is not set: jobs run in the web process; "
            "set it to a redis:// URL to run a worker."
        )
    _app = app
    worker = make_worker(app, name)
    level = app.config.get("LOG_LEVEL", "INFO")
    # The horses fork from this process and push an app context of their own (app.jobs.perform).
    worker.work(burst=burst, logging_level=level, with_scheduler=True)


@jobs_cli.command("state")
@click.argument("job_id")
def state_command(job_id: str) -> None:
    """Print a job's state (JSON)."""
    import json

    from app.jobs import state

    current = state(job_id)
    if current is None:
        raise click.ClickException(f"no job {job_id}")
    click.echo(json.dumps(current, indent=2, default=str))
