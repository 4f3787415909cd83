"""Register pages: an organisation's building register (counts, last import, a searchable
list), the upload form, the progress/preview/report page of an import and its commit.

The flow is the passport imports': upload → staged on the server, a dry run starts as a job
(app.jobs) → the page shows progress (static JS polling a JSON status; without JS it
refreshes itself) → the preview (counts new/updated/unchanged, numbered errors, a sample with
its estimate) → commit → the import runs again from the staged file in one transaction → its
report.
"""

from __future__ import annotations

import time

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app import jobs
from app.auth.models import Organisation
from app.errors import ServiceError
from app.extensions import db
from app.pagination import paginate_page
from mine.models import RegisterBuilding
from mine.permissions import can_import_register
from mine.permissions import register_organisation
from mine.register import jobs as register_jobs
from mine.register.staging import create_stage
from mine.register.staging import find_stage
from mine.register.staging import max_bytes
from mine.synthetic import REGISTER_COLUMNS
from passports.imports.staging import STALE_SECONDS

bp = Blueprint("mine", __name__, template_folder="templates", url_prefix="/register")


def register_summary(organisation_id: int) -> dict:
    """Counts of an organisation's register and its last import."""
    t = RegisterBuilding
    row = db.session.execute(
        select(
            func.count(t.id),
            func.count(t.building_id),
            func.count(t.id) - func.count(t.floor_area_m2),
            func.coalesce(func.sum(t.floor_area_m2), 0.0),
            func.coalesce(func.sum(t.estimated_mass_kg), 0.0),
            func.max(t.imported_at),
        ).where(t.organisation_id == organisation_id)
    ).one()
    return {
        "buildings": row[0],
        "linked": row[1],
        "without_estimate": row[2],
        "floor_area_m2": row[3],
        "estimated_mass_kg": row[4],
        "last_import": row[5],
    }


def buildings_query(organisation_id: int | None, q: str = ""):
    """The organisation's register entries (None: every organisation's), searched by
    address or register id."""
    stmt = select(RegisterBuilding)
    if organisation_id is not None:
        stmt = stmt.where(RegisterBuilding.organisation_id == organisation_id)
    q = (q or "").strip()
    if q:
        pattern = "%" + q.lower().replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(RegisterBuilding.address).like(pattern, escape="\\"),
                func.lower(RegisterBuilding.register_id).like(pattern, escape="\\"),
            )
        )
    return stmt.order_by(RegisterBuilding.organisation_id, RegisterBuilding.register_id)


@bp.route("")
@login_required
def register_home():
    """The register of the user's own organisation (admins: of the one they choose)."""
    chosen = request.args.get("organisation_id", type=int)
    if chosen is None or current_user.role != "admin":
        chosen = current_user.organisation_id
    return redirect(url_for("mine.register_page", organisation_id=chosen))


@bp.route("/<int:organisation_id>")
@login_required
def register_page(organisation_id: int):
    """An organisation's register: counts, last import, the searchable list."""
    organisation = register_organisation(current_user, organisation_id)
    q = request.args.get("q", "")[:100]
    return render_template(
        "mine/register.html",
        organisation=organisation,
        summary=register_summary(organisation.id),
        page=paginate_page(buildings_query(organisation.id, q)),
        q=q,
        may_import=can_import_register(current_user, organisation.id),
        organisations=_organisations() if current_user.role == "admin" else [],
    )


def _organisations():
    if current_user.role == "admin":
        return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [current_user.organisation]


def _upload_page(organisation_id: int | None, error: str | None = None, status: int = 200):
    return render_template(
        "mine/upload.html",
        organisations=_organisations(),
        organisation_id=organisation_id or current_user.organisation_id,
        columns=REGISTER_COLUMNS,
        limit_mb=max_bytes() // (1024 * 1024),
        error=error,
    ), status


@bp.route("/imports/new")
@login_required
def import_upload():
    """The upload form (admins choose the organisation)."""
    organisation_id = request.args.get("organisation_id", type=int) or current_user.organisation_id
    register_organisation(current_user, organisation_id, write=True)
    return _upload_page(organisation_id)


@bp.route("/imports", methods=["POST"])
@login_required
def import_start():
    """Stage the file and start its preview."""
    organisation_id = request.form.get("organisation_id", type=int) or current_user.organisation_id
    organisation = register_organisation(current_user, organisation_id, write=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(organisation.id, _("Choose a file to import."), 422)
    try:
        stage = create_stage(upload.stream, upload.filename, current_user.id, organisation.id)
    except ServiceError as exc:
        return _upload_page(organisation.id, exc.message, exc.code)
    register_jobs.start(stage, current_user.id, "preview")
    return redirect(url_for("mine.import_stage", stage_id=stage.id))


def _stage_or_404(stage_id: str):
    stage = find_stage(stage_id, current_user.id)
    if stage is None:
        abort(404, _("This import has expired or does not exist; upload the file again."))
    organisation = register_organisation(current_user, stage.meta["organisation_id"], write=True)
    return organisation, stage


def _status(stage) -> dict:
    state = jobs.state(stage.meta.get("job_id", "")) or {"status": "queued"}
    done, total = state.get("done", 0) or 0, state.get("total", 0) or 0
    status = state.get("status")
    if status in ("queued", "running") and time.time() - state.get("updated", time.time()) > (
        STALE_SECONDS
    ):
        status = "failed"  # its worker died: the page says so instead of waiting forever
    return {
        # The progress script polls while "running" (or "new").
        "status": "running" if status in ("queued", "running") else status,
        "mode": stage.meta.get("mode"),
        "phase": str(register_jobs.PHASES.get(state.get("phase"), state.get("phase") or "")),
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else None,
        "url": url_for("mine.import_stage", stage_id=stage.id),
    }


@bp.route("/imports/<stage_id>/status")
@login_required
def import_status(stage_id: str):
    """The job's progress as JSON, polled by the progress page."""
    _organisation, stage = _stage_or_404(stage_id)
    response = jsonify(_status(stage))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/imports/<stage_id>")
@login_required
def import_stage(stage_id: str):
    """Progress while the job runs; then the preview, or the report of the commit."""
    organisation, stage = _stage_or_404(stage_id)
    status = _status(stage)
    mode = stage.meta.get("mode", "preview")
    report = (stage.meta.get("reports") or {}).get(mode)
    if status["status"] == "running" or (status["status"] == "done" and report is None):
        return render_template(
            "mine/progress.html", organisation=organisation, stage=stage, status=status
        )
    if status["status"] == "failed" or report is None:
        return _upload_page(
            organisation.id, _("Something went wrong on our side; nothing was written."), 500
        )
    return render_template(
        "mine/preview.html",
        organisation=organisation,
        stage=stage,
        report=report,
        mode=mode,
    )


@bp.route("/imports/<stage_id>/commit", methods=["POST"])
@login_required
def import_commit(stage_id: str):
    """Write the import: the staged file is read again and written all or nothing."""
    _organisation, stage = _stage_or_404(stage_id)
    status = _status(stage)
    preview = (stage.meta.get("reports") or {}).get("preview") or {}
    if stage.meta.get("committed") or status["status"] == "running":
        flash(_("This import is already running or done."), "info")
    elif not preview.get("ok"):
        flash(_("Fix the errors before importing."), "error")
    else:
        register_jobs.start(stage, current_user.id, "commit")
    return redirect(url_for("mine.import_stage", stage_id=stage.id))
