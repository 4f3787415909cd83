"""The IDS check's downloads: HTML, JSON and BCF, of a staged import (its preview) and of a
committed import (its report keeps the check). The same permission as the preview: whoever may
import into the building, and for a stage, only the person who uploaded it."""

from flask import Response
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.views import download
from app.views import owned_or_404
from passports.imports.ids import reason_text
from passports.imports.ids import specification_hint
from passports.imports.ids import specification_name
from passports.imports.ids_report import html_policy
from passports.imports.ids_report import report_bcf
from passports.imports.ids_report import report_html
from passports.imports.ids_report import report_json
from passports.imports.models import ImportRun
from passports.permissions import building_for
from passports.views import bp
from passports.views.imports import _stage_or_404

FORMATS = ("html", "json", "bcf")

bp.add_app_template_filter(specification_name, "ids_name")
bp.add_app_template_filter(specification_hint, "ids_hint")
bp.add_app_template_filter(reason_text, "ids_reason")


def _respond(summary: dict | None, fmt: str, source: dict) -> Response:
    if fmt not in FORMATS or not summary:
        abort(404, _("This import has no IDS check."))
    stem = (source.get("filename") or "model").rsplit(".", 1)[0][:80] or "model"
    if fmt == "json":
        return download(report_json(summary, source), "application/json", f"{stem}-ids.json")
    if fmt == "bcf":
        return download(report_bcf(summary, source), "application/octet-stream", f"{stem}-ids.bcf")
    response = download(
        report_html(summary, source), "text/html; charset=utf-8", f"{stem}-ids.html", inline=True
    )
    response.headers["Content-Security-Policy"] = html_policy()
    return response


@bp.route("/buildings/<int:building_id>/imports/<stage_id>/ids.<fmt>")
@login_required
def import_stage_ids(building_id: int, stage_id: str, fmt: str):
    """The IDS report of a staged import's last check, as HTML, JSON or BCF."""
    building, stage = _stage_or_404(building_id, stage_id)
    report = stage.state().get("report") or {}
    source = {
        "filename": stage.meta.get("filename"),
        "sha256": stage.meta.get("sha256"),
        "building": building.name,
    }
    return _respond(report.get("ids"), fmt, source)


@bp.route("/buildings/<int:building_id>/imports/runs/<int:run_id>/ids.<fmt>")
@login_required
def import_run_ids(building_id: int, run_id: int, fmt: str):
    """The IDS report a committed import keeps, as HTML, JSON or BCF."""
    building = building_for(current_user, building_id, write=True)
    run = owned_or_404(ImportRun, run_id, building_id=building.id)
    source = {"filename": run.filename, "sha256": run.sha256, "building": building.name}
    return _respond((run.report or {}).get("ids"), fmt, source)
