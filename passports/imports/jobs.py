"""Running a staged import as a job (app.jobs), so the page never freezes on a large file.

The job runs where the deployment runs long work: an RQ worker process (`flask jobs worker`)
in production, a thread of the web process without a queue (`make run`). Its state (phase,
progress, report) lives in the stage's state.json, which every web worker reads, so the
progress page and its JSON status work behind several workers, and keep working when the web
worker that started the job is recycled or killed. A preview is a dry run; a commit runs the
whole import again from the staged file (never from what the browser sent back) in one
transaction, and rolls it back if anything fails. The job speaks the language of the request
that started it: its report's sentences are written in it.

Retries (app.jobs.job_policy): a preview writes nothing and is retried; a commit is retried
when its attempt died before it began to commit (the transaction was rolled back with it), and
never after: an attempt that reached the commit and then died is reported, not run twice.
"""

import logging
import time

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import jobs
from app.audit.actors import set_actor
from app.auth.models import User
from app.errors import ServiceError
from app.extensions import db
from passports.imports.services import run_import
from passports.imports.staging import Stage
from passports.imports.staging import stage_by_id
from passports.models import Building

log = logging.getLogger(__name__)
# What a job is doing, as the progress page and the command line's bar say it.
PHASES = {
    "queued": _l("Waiting to start"),
    "opening the model": _l("Opening the IFC model"),
    "reading": _l("Reading and checking rows"),
    "checking": _l("Checking the model against the material passport's IDS"),
    "saving": _l("Saving the import"),
}


def claim_write_lock() -> None:
    """On SQLite, take the write lock before reading, as write requests do (app.database)."""
    if db.engine.dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def start_job(app: Flask, stage: Stage, mode: str, user_id: int, **options) -> bool:
    """Start a preview or a commit of the stage; False when one is running or already ran.

    `options` go to `run_import` (what to do with rows matching existing components)."""
    state = stage.state()
    if state.get("status") == "running" or state.get("committed"):
        return False
    generation = state.get("generation", 0) + 1
    if not stage.claim(f"{mode}-{generation}"):
        return False
    stage.save_state(
        status="running", mode=mode, phase="queued", done=0, total=0, generation=generation
    )
    target = COMMIT if mode == "commit" else PREVIEW
    try:
        jobs.submit(target, stage.id, user_id, generation, options, owner_id=user_id)
    except Exception:
        log.exception("import job %s could not be queued", stage.id)
        stage.save_state(
            status="failed",
            mode=mode,
            generation=generation,
            message=_("The import could not be started; try again in a moment."),
        )
        return True
    return True


PREVIEW = "passports.imports.jobs:preview_stage"
COMMIT = "passports.imports.jobs:commit_stage"


@jobs.job_policy(retries=2)
def preview_stage(stage_id: str, user_id: int, generation: int, options: dict) -> dict | None:
    """The dry run of a staged import (a job): nothing is written, so it is safe to retry."""
    return _run_stage(stage_id, "preview", user_id, generation, options)


@jobs.job_policy(retries=2)
def commit_stage(stage_id: str, user_id: int, generation: int, options: dict) -> dict | None:
    """The import of a staged file (a job), all or nothing; retried only before it commits."""
    return _run_stage(stage_id, "commit", user_id, generation, options)


def _run_stage(stage_id: str, mode: str, user_id: int, generation: int, options: dict):
    stage = stage_by_id(stage_id)
    if stage is None:
        return None  # discarded or expired meanwhile: nobody is waiting for it
    current = stage.state()
    if current.get("committed") or current.get("generation") != generation:
        # Committed already, or superseded by a newer attempt (one started after this job was
        # reported stuck in a long queue): running it could import the file twice.
        log.warning("import %s: attempt %s superseded; not run", stage.id, generation)
        return None
    job_id = jobs.current_job_id()
    job = jobs.state(job_id) if job_id else None
    if mode == "commit" and job and job.get("committing"):
        # An earlier attempt reached the commit and died: whether it committed is not known
        # here, and running it again could import everything twice.
        log.error("import %s: an attempt died while committing; not run again", stage.id)
        stage.save_state(
            status="failed",
            mode=mode,
            generation=generation,
            job_id=job_id,
            message=_(
                "The import stopped while saving. Check the building's components before "
                "importing this file again."
            ),
        )
        return {"stage": stage.id, "committed": None}
    if job_id:
        # From now on the stage names its job, whose state says if its process dies.
        stage.save_state(
            status="running", mode=mode, phase="queued", generation=generation, job_id=job_id
        )
    return _run(stage, mode, user_id, generation, options, job_id)


def _run(
    stage: Stage, mode: str, user_id: int, generation: int, options: dict, job_id: str | None
) -> dict:
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or (total and done >= total):
            last[0] = now
            stage.save_state(
                status="running",
                mode=mode,
                phase=phase,
                done=done,
                total=total,
                generation=generation,
                job_id=job_id,
            )

    try:
        user = db.session.get(User, user_id)
        set_actor(user, "job:import")
        building = db.session.get(Building, stage.meta["building_id"])
        if mode == "commit":
            claim_write_lock()
        report = run_import(
            building,
            stage.file,
            user=user,
            dry_run=mode != "commit",
            progress=progress,
            **options,
        )
        if report.committed:
            if job_id:
                jobs.save_state(job_id, committing=True)
            db.session.commit()
        else:
            db.session.rollback()
        stage.save_state(
            status="done",
            mode=mode,
            report=report.as_dict(),
            committed=report.committed,
            generation=generation,
            job_id=job_id,
        )
        return {"stage": stage.id, "committed": report.committed}
    except ServiceError as exc:
        db.session.rollback()
        stage.save_state(
            status="failed", mode=mode, message=exc.message, generation=generation, job_id=job_id
        )
        return {"stage": stage.id, "committed": False}
    except Exception:
        db.session.rollback()
        log.exception("import job %s failed", stage.id)
        if jobs.will_retry():
            stage.save_state(
                status="running", mode=mode, phase="queued", generation=generation, job_id=job_id
            )
        else:
            stage.save_state(
                status="failed",
                mode=mode,
                generation=generation,
                job_id=job_id,
                message=_("Something went wrong on our side; nothing was written."),
            )
        raise
