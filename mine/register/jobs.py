"""The register import as a background job (app.jobs): a preview (dry run) or a commit of a
staged file. Its state is app.jobs' (status, phase, done, total), its result the report;
the stage remembers its jobs so the import page finds them again."""

from __future__ import annotations

import time

from flask_babel import lazy_gettext as _l

from app import jobs
from app.audit.actors import set_actor
from app.auth.models import User
from app.extensions import db
from app.i18n import words
from mine.register.importer import run_register_import
from mine.register.staging import Stage
from passports.imports.jobs import claim_write_lock

#: What the job is doing, as the progress page and the command line say it.
PHASES = {
    "queued": _l("Waiting to start"),
    "reading": _l("Reading and checking buildings"),
    "linking": _l("Linking passport buildings"),
}
MODES = ("preview", "commit")

# What became of a row, as the preview's sample says it.
words(
    {
        "register:new": _l("New"),
        "register:updated": _l("Updated"),
        "register:unchanged": _l("Unchanged"),
    }
)


def throttled(report, every_s: float = 0.5):
    """A progress callback that writes at most every `every_s` seconds (and at the end)."""
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s or (total and done >= total):
            last[0] = now
            report(phase, done, total)

    return progress


def run_file(
    organisation_id: int,
    path: str,
    *,
    dry_run: bool,
    filename: str | None = None,
    kind: str | None = None,
    user_id: int | None = None,
    progress=None,
) -> dict:
    """Import a file in the current transaction and commit it, or roll it all back; the
    report. Used by the job, the command line and the benchmarks."""
    if user_id is not None:
        set_actor(db.session.get(User, user_id), "job:register-import")
    try:
        if not dry_run:
            claim_write_lock()
        report = run_register_import(
            organisation_id, path, dry_run=dry_run, kind=kind, filename=filename, progress=progress
        )
        if report["committed"]:
            db.session.commit()
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    return report


def run_stage(stage_path: str, user_id: int, mode: str) -> dict:
    """The job: preview or commit the staged file; its report (also kept in the stage)."""
    import json
    from pathlib import Path

    folder = Path(stage_path)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    stage = Stage(folder.name, folder, meta)
    report = run_file(
        meta["organisation_id"],
        str(stage.file),
        dry_run=mode != "commit",
        filename=meta["filename"],
        kind=meta["kind"],
        user_id=user_id,
        progress=throttled(jobs.progress),
    )
    stage.save()  # re-read: the request may have written the job id meanwhile
    reports = {**(stage.meta.get("reports") or {}), mode: report}
    stage.save(reports=reports, committed=bool(report["committed"] or meta.get("committed")))
    return report


def start(stage: Stage, user_id: int, mode: str) -> str:
    """Submit a preview or a commit of the stage; the job id (also kept in the stage)."""
    job_id = jobs.submit(
        "mine.register.jobs:run_stage", str(stage.path), user_id, mode, owner_id=user_id
    )
    stage.save()
    stage.save(job_id=job_id, mode=mode, jobs={**stage.meta.get("jobs", {}), mode: job_id})
    return job_id
