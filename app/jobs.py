"""Long work off the request: imports, label sheets, yearly reports.

`submit("package.module:function", *args, **kwargs)` runs the function later, inside an
application context, in the language of the request that asked for it, and answers the job's
id at once. The function reports its progress with `progress(phase, done, total)`; any web
worker reads the job's state with `state(job_id)`: status (queued, running, done, failed),
phase, done, total, and what the function returned (a JSON-able dict).

Where the work runs is the deployment's choice (`JOB_QUEUE_URL`): a task queue with its own
worker processes in production; without one (`make run`), a thread of the web process. Job
states are small JSON files under `<UPLOAD_DIR>/jobs`, replaced atomically, so every web
worker reads the same state whichever backend runs the job.
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
from flask_babel import force_locale
from flask_babel import get_locale

from app.extensions import db
from app.storage import ensure_folder
from app.storage import upload_root
from app.storage import write_bytes

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "done", "failed")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("job", default=None)


def jobs_root() -> Path:
    """The folder of the job state files, created on first use."""
    return ensure_folder(upload_root() / "jobs", "the job")


def _state_path(job_id: str) -> Path:
    if not job_id or not all(c.isalnum() or c in "-_" for c in job_id):
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


def progress(phase: str, done: int = 0, total: int = 0) -> None:
    """Inside a job: say what it is doing and how far it got (no-op outside a job)."""
    job_id = _current.get()
    if job_id:
        save_state(job_id, status="running", phase=phase, done=done, total=total)


def submit(target: str, *args, owner_id: int | None = None, **kwargs) -> str:
    """Run `target` ("module:function") with the arguments (JSON-able) later; its job id."""
    job_id = secrets.token_urlsafe(16)
    locale = str(get_locale() or "en")
    save_state(job_id, status="queued", target=target, owner_id=owner_id, phase="queued")
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=_run_in_thread,
        args=(app, job_id, target, args, kwargs, locale),
        daemon=True,
        name=f"job-{job_id[:8]}",
    )
    thread.start()
    return job_id


def _run_in_thread(app: Flask, job_id, target, args, kwargs, locale) -> None:
    # run() logs and records a failure; a thread has no one else to tell.
    with app.app_context(), contextlib.suppress(Exception):
        run(job_id, target, args, kwargs, locale)


def run(job_id: str, target: str, args, kwargs, locale: str) -> None:
    """Run one job to its end inside the current app context; its state says how it ended."""
    module_name, _sep, name = target.partition(":")
    function = getattr(importlib.import_module(module_name), name)
    token = _current.set(job_id)
    try:
        with force_locale(locale):
            save_state(job_id, status="running")
            result = function(*args, **kwargs)
            save_state(job_id, status="done", result=result)
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, target)
        save_state(job_id, status="failed")
        raise
    finally:
        _current.reset(token)
        db.session.remove()
