"""Long work off the request: imports, label sheets, yearly reports.

`submit("package.module:function", *args, **kwargs)` runs the function later, inside an
application context, in the language of the request that asked for it, and answers the job's
id at once. The function reports its progress with `progress(phase, done, total)`; any web
worker reads the job's state with `state(job_id)`: status (queued, running, done, failed),
phase, done, total, what the function returned (a JSON-able dict) and, for a failed job, a
`message` in the language of the job (never a stack trace: that goes to the log).

Where the work runs is the deployment's choice (`JOB_QUEUE_URL`):
- a redis:// URL: an RQ queue on that Redis, run by `flask jobs worker` processes (app.worker;
  `make serve` starts one beside gunicorn). A job survives the web worker that submitted it
  (gunicorn recycles its workers); a worker that dies in the middle of a job has the job retried
  when the job is safe to retry, or marked failed.
- empty: a thread of the web process that submitted it, for `make run` without Redis. A job
  dies with its process there; production warns at start-up when it runs so.

Job states are small JSON files under `<UPLOAD_DIR>/jobs`, replaced atomically: one place,
which every web worker and every job worker reads and writes (so UPLOAD_DIR is shared by both,
as it already is for the staged imports). Redis holds only the queue itself.

A function may carry its own policy with `@job_policy(retries=, timeout=)`: a job is retried
only when running it again is safe (a read-only preview, a file rendered again from the
database, an all-or-nothing write that did not commit); the default is no retry. Arguments are
JSON (ids, paths, strings, numbers, lists, dicts): `submit` refuses anything else at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import json
import logging
import secrets
import threading
import time
from pathlib import Path

from flask import Flask
from flask import current_app
from flask import has_app_context
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _

from app.errors import ServiceError
from app.extensions import db
from app.storage import ensure_folder
from app.storage import upload_root
from app.storage import write_bytes

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "done", "failed")
QUEUE_NAME = "mpx"
# Defaults of a job's policy (job_policy overrides them per function).
DEFAULT_TIMEOUT_S = 3600
DEFAULT_RETRY_DELAY_S = 10
# What RQ keeps about a finished or failed job; job files (states, generated PDFs) are kept as
# long, then swept (at most every SWEEP_EVERY_S, on a submit).
RESULT_TTL_S = 24 * 3600
SWEEP_EVERY_S = 600
_last_sweep = [0.0]
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("job", default=None)


def job_policy(retries: int = 0, timeout: int | None = None):
    """Declare a job function's retries (only where running it again is safe) and timeout."""

    def mark(function):
        function.job_retries = retries
        function.job_timeout = timeout
        return function

    return mark


def jobs_root() -> Path:
    """The folder of the job state files, created on first use."""
    return ensure_folder(upload_root() / "jobs", "the job")


def _state_path(job_id: str) -> Path:
    if not job_id or len(job_id) > 64 or not all(c.isalnum() or c in "-_" for c in job_id):
        raise ValueError("not a job id")
    return jobs_root() / f"{job_id}.json"


def state(job_id: str) -> dict | None:
    """The job's state, or None for an unknown job."""
    try:
        return json.loads(_state_path(job_id).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def save_state(job_id: str, **changes) -> dict:
    """Merge `changes` into the job's state and write it atomically."""
    current = state(job_id) or {}
    current.update(changes, updated=time.time())
    write_bytes(_state_path(job_id), json.dumps(current, default=str).encode("utf-8"), "the job")
    return current


def sweep(max_age_s: float = RESULT_TTL_S) -> int:
    """Remove job files (states, results) untouched for `max_age_s`; at most every
    SWEEP_EVERY_S per process. The number removed."""
    now = time.time()
    if now - _last_sweep[0] < SWEEP_EVERY_S:
        return 0
    _last_sweep[0] = now
    removed = 0
    for path in jobs_root().iterdir():
        with contextlib.suppress(OSError):
            if path.is_file() and now - path.stat().st_mtime > max_age_s:
                path.unlink()
                removed += 1
    return removed


def current_job_id() -> str | None:
    """The id of the job running in this context, if any."""
    return _current.get()


def progress(phase: str, done: int = 0, total: int = 0) -> None:
    """Inside a job: say what it is doing and how far it got (no-op outside a job)."""
    job_id = _current.get()
    if job_id:
        save_state(job_id, status="running", phase=phase, done=done, total=total)


def queue_url(app: Flask | None = None) -> str:
    """The Redis URL of the job queue; empty for the in-process thread runner."""
    return ((app or current_app).config.get("JOB_QUEUE_URL") or "").strip()


def _function(target: str):
    module_name, _sep, name = target.partition(":")
    if not module_name or not name:
        raise ValueError(f"a job target is 'module:function', not {target!r}")
    return getattr(importlib.import_module(module_name), name)


def submit(
    target: str, *args, owner_id: int | None = None, job_meta: dict | None = None, **kwargs
) -> str:
    """Run `target` ("module:function") with the arguments (JSON-able) later; its job id.

    `owner_id` (who asked) and `job_meta` (a small JSON dict, e.g. the building) are kept in
    the job's state for the pages that show it and check who may see it."""
    function = _function(target)  # an unknown target fails here, in the request
    try:
        # Both runners pass the arguments as JSON gives them back (tuples become lists, dict
        # keys strings), so a job behaves the same under `make run` and on the queue.
        args, kwargs = json.loads(json.dumps([args, kwargs]))
        json.dumps(job_meta)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the arguments of a job must be JSON ({target}): {exc}") from exc
    sweep()
    job_id = secrets.token_urlsafe(16)
    locale = str(get_locale() or "en")
    retries = int(getattr(function, "job_retries", 0) or 0)
    save_state(
        job_id,
        status="queued",
        target=target,
        owner_id=owner_id,
        meta=job_meta or {},
        phase="queued",
        locale=locale,
        attempts=0,
        retries=retries,
        submitted=time.time(),
    )
    app = current_app._get_current_object()
    if queue_url(app):
        _enqueue(app, function, job_id, target, args, kwargs, locale, retries)
    else:
        thread = threading.Thread(
            target=_run_in_thread,
            args=(app, job_id, target, args, kwargs, locale),
            daemon=True,
            name=f"job-{job_id[:8]}",
        )
        thread.start()
    return job_id


def redis_connection(app: Flask | None = None):
    """The Redis client of the job queue (one per process, made on first use)."""
    from redis import Redis

    app = app or current_app._get_current_object()
    cache = app.extensions.setdefault("mpx_jobs", {})
    url = queue_url(app)
    if cache.get("url") != url:
        cache.update(
            url=url, redis=Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5)
        )
    return cache["redis"]


def rq_queue(app: Flask | None = None):
    """The RQ queue the web processes submit to and `flask jobs worker` listens on."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(QUEUE_NAME, connection=redis_connection(app), serializer=JSONSerializer)


def _enqueue(app, function, job_id, target, args, kwargs, locale, retries) -> None:
    from rq import Retry
    from rq.job import Callback

    timeout = getattr(function, "job_timeout", None) or app.config.get(
        "JOB_TIMEOUT", DEFAULT_TIMEOUT_S
    )
    delay = int(app.config.get("JOB_RETRY_DELAY", DEFAULT_RETRY_DELAY_S))
    rq_queue(app).enqueue(
        "app.jobs.perform",
        args=(job_id, target, args, kwargs, locale),
        job_id=job_id,
        job_timeout=int(timeout),
        retry=Retry(max=retries, interval=delay) if retries else None,
        result_ttl=RESULT_TTL_S,
        failure_ttl=RESULT_TTL_S,
        on_failure=Callback("app.jobs.on_rq_failure"),
        description=target,
    )


def _run_in_thread(app: Flask, job_id, target, args, kwargs, locale) -> None:
    # run() logs and records a failure; a thread has no one else to tell.
    with app.app_context(), contextlib.suppress(Exception):
        run(job_id, target, args, kwargs, locale)


def perform(job_id: str, target: str, args, kwargs, locale: str) -> None:
    """What an RQ work horse runs: the job, in an app context of the worker's app."""
    from app.worker import worker_app

    app = worker_app()
    with app.app_context():
        # A forked horse must not share the parent's database connections.
        db.engine.dispose(close=False)
        run(job_id, target, args, kwargs, locale)


def will_retry() -> bool:
    """Inside a job that is failing: whether the queue will run it again."""
    return _rq_retries_left() > 0


def _rq_retries_left() -> int:
    with contextlib.suppress(Exception):
        from rq import get_current_job

        job = get_current_job()
        if job is not None:
            return int(job.retries_left or 0)
    return 0


def failure_message(exc: BaseException | None = None) -> str:
    """What a person reads about a failed job, in the job's language; never a stack trace."""
    if isinstance(exc, ServiceError):
        return exc.message
    if exc is not None and type(exc).__name__ == "JobTimeoutException":
        return _("The work took longer than allowed and was stopped; nothing was saved.")
    return _("Something went wrong on our side and the work stopped; nothing was saved.")


def run(job_id: str, target: str, args, kwargs, locale: str) -> None:
    """Run one job to its end inside the current app context; its state says how it ended."""
    function = _function(target)
    token = _current.set(job_id)
    try:
        with force_locale(locale):
            attempts = (state(job_id) or {}).get("attempts", 0) + 1
            save_state(job_id, status="running", attempts=attempts, started=time.time())
            try:
                result = function(*args, **kwargs)
                save_state(job_id, status="done", result=result, finished=time.time())
            except Exception as exc:
                db.session.rollback()
                log.exception("job %s (%s) failed", job_id, target)
                if _rq_retries_left() > 0:
                    save_state(job_id, status="queued", phase="retrying")
                else:
                    save_state(
                        job_id, status="failed", message=failure_message(exc), finished=time.time()
                    )
                raise
    finally:
        _current.reset(token)
        db.session.remove()


def record_lost(job_id: str, will_retry: bool) -> None:
    """A job whose process died under it (killed, out of memory, a worker gone): queued again
    when it will be retried, else failed with a message; a job already ended is left as is."""
    current = state(job_id)
    if current is None or current.get("status") not in ("running", "queued"):
        return
    if current.get("status") == "queued" and current.get("phase") == "retrying":
        return
    log.warning(
        "job %s (%s) lost its process; retried: %s", job_id, current.get("target"), will_retry
    )
    if will_retry:
        save_state(job_id, status="queued", phase="retrying")
        return
    with force_locale(current.get("locale") or "en"):
        message = failure_message()
    save_state(job_id, status="failed", message=message, finished=time.time())


def on_rq_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ's failure callback: an exception in the job was recorded by run(); a job abandoned
    by a dead worker was not, and is recorded here."""
    if has_app_context():
        record_lost(job.id, bool(job.retries_left))
