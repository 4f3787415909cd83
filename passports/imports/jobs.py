"""Running a staged import in the background, so the page never freezes on a large file.

A job is a thread of this process with its own application context and database session. Its
state (phase, progress, report) lives in the stage's state.json, which any worker process can
read, so the progress page and its JSON status work behind several workers. A preview is a dry
run; a commit runs the whole import again from the staged file (never from what the browser
sent back) in one transaction, and rolls it back if anything fails. The job speaks the language
of the request that started it: its report's sentences are written in it.
"""

import logging
import threading
import time

from flask import Flask
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.actors import set_actor
from app.auth.models import User
from app.errors import ServiceError
from app.extensions import db
from passports.imports.services import run_import
from passports.imports.staging import Stage
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
    locale = str(get_locale() or "en")
    thread = threading.Thread(
        target=_run,
        args=(app, stage, mode, user_id, generation, locale, options),
        daemon=True,
        name=f"import-{stage.id[:8]}",
    )
    thread.start()
    return True


def _run(
    app: Flask, stage: Stage, mode: str, user_id: int, generation: int, locale: str, options: dict
) -> None:
    with app.app_context(), force_locale(locale):
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
                db.session.commit()
            else:
                db.session.rollback()
            stage.save_state(
                status="done",
                mode=mode,
                report=report.as_dict(),
                committed=report.committed,
                generation=generation,
            )
        except ServiceError as exc:
            db.session.rollback()
            stage.save_state(status="failed", mode=mode, message=exc.message, generation=generation)
        except Exception:
            db.session.rollback()
            log.exception("import job %s failed", stage.id)
            stage.save_state(
                status="failed",
                mode=mode,
                generation=generation,
                message=_("Something went wrong on our side; nothing was written."),
            )
        finally:
            db.session.remove()
