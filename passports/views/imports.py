"""Import pages: upload a file, watch it being checked, preview, map materials, confirm.

The flow: upload → the file is staged on the server and a dry run starts in the background →
the stage page shows progress (polling a JSON status with static JS, or refreshing itself
without JS) → the preview (counts, numbered errors, unmatched materials with a mapping form)
→ confirm → the import runs again from the staged file, in one transaction → its report.
When rows without an id look like components already in the building (the same inventory
uploaded again), the preview says which and the confirmation asks whether to update those
components or add the rows as new ones.
"""

from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from app.errors import ServiceError
from app.extensions import db
from app.pagination import paginate_page
from app.views import download
from app.views import owned_or_404
from passports.imports import queries
from passports.imports import services as imports
from passports.imports.columns import COLUMNS
from passports.imports.jobs import PHASES
from passports.imports.jobs import start_job
from passports.imports.models import ImportRun
from passports.imports.pipeline.lookalikes import CHOICES
from passports.imports.staging import create_stage
from passports.imports.staging import find_stage
from passports.imports.template import XLSX_MIMETYPE
from passports.imports.template import template_csv
from passports.imports.template import template_xlsx
from passports.permissions import building_for
from passports.views import bp


def _limits() -> dict:
    mb = 1024 * 1024
    return {
        "ifc": current_app.config["MAX_IFC_BYTES"] // mb,
        "sheet": current_app.config["MAX_SHEET_BYTES"] // mb,
    }


def _upload_page(building, error: str | None = None, status: int = 200):
    runs = paginate_page(queries.runs_query(building.id), per_page=10)
    return render_template(
        "passports/imports/upload.html",
        building=building,
        columns=COLUMNS,
        runs=runs,
        error=error,
        limits=_limits(),
    ), status


@bp.route("/buildings/<int:building_id>/imports", methods=["GET"])
@login_required
def import_upload(building_id: int):
    """The upload form, the templates and the building's past imports."""
    return _upload_page(building_for(current_user, building_id, write=True))


@bp.route("/buildings/<int:building_id>/imports", methods=["POST"])
@login_required
def import_start(building_id: int):
    """Stage the uploaded file and start checking it in the background."""
    building = building_for(current_user, building_id, write=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(building, _("Choose a file to import."), 422)
    try:
        stage = create_stage(upload.stream, upload.filename, current_user.id, building.id)
    except ServiceError as exc:
        return _upload_page(building, exc.message, exc.code)
    start_job(current_app._get_current_object(), stage, "preview", current_user.id)
    return redirect(url_for("passports.import_stage", building_id=building.id, stage_id=stage.id))


def _stage_or_404(building_id: int, stage_id: str):
    building = building_for(current_user, building_id, write=True)
    stage = find_stage(stage_id, current_user.id, building.id)
    if stage is None:
        abort(404, _("This import has expired or does not exist; upload the file again."))
    return building, stage


def _status(building, stage) -> dict:
    state = stage.state()
    done, total = state.get("done", 0), state.get("total", 0)
    percent = int(100 * done / total) if total else None
    return {
        "status": state.get("status"),
        "mode": state.get("mode"),
        "phase": str(PHASES.get(state.get("phase"), state.get("phase") or "")),
        "done": done,
        "total": total,
        "percent": percent,
        "message": state.get("message"),
        "url": url_for("passports.import_stage", building_id=building.id, stage_id=stage.id),
    }


@bp.route("/buildings/<int:building_id>/imports/<stage_id>/status")
@login_required
def import_status(building_id: int, stage_id: str):
    """The job's progress as JSON, polled by the progress page."""
    building, stage = _stage_or_404(building_id, stage_id)
    response = jsonify(_status(building, stage))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/buildings/<int:building_id>/imports/<stage_id>")
@login_required
def import_stage(building_id: int, stage_id: str):
    """Progress while the job runs; then the preview, the failure or the committed report."""
    building, stage = _stage_or_404(building_id, stage_id)
    state = stage.state()
    if state.get("status") in ("new", "running"):
        return render_template(
            "passports/imports/progress.html",
            building=building,
            stage=stage,
            status=_status(building, stage),
        )
    if state.get("status") == "failed":
        return _upload_page(building, state.get("message"), 422)
    report = state["report"]
    if state.get("committed"):
        return redirect(
            url_for("passports.import_run", building_id=building.id, run_id=report["import_id"])
        )
    return render_template(
        "passports/imports/preview.html",
        building=building,
        stage=stage,
        report=report,
        mode=state.get("mode"),
        materials=queries.material_choices(),
    )


@bp.route("/buildings/<int:building_id>/imports/<stage_id>/mappings", methods=["POST"])
@login_required
def import_mappings(building_id: int, stage_id: str):
    """Remember the chosen materials for unmatched names, then check the file again."""
    building, stage = _stage_or_404(building_id, stage_id)
    state = stage.state()
    unmatched = (state.get("report") or {}).get("unmatched_materials", [])
    saved = 0
    for index, entry in enumerate(unmatched):
        chosen = request.form.get(f"map-{index}", "").strip()
        if not chosen:
            continue
        try:
            imports.save_mapping(building.organisation_id, entry["name"], int(chosen), current_user)
        except (ValueError, ValidationError):
            db.session.rollback()
            flash(_("Could not map %(name)s: unknown material.", name=repr(entry["name"])), "error")
            return redirect(
                url_for("passports.import_stage", building_id=building.id, stage_id=stage.id)
            )
        saved += 1
    db.session.commit()
    if saved:
        flash(
            ngettext(
                "%(num)d material name remembered for %(organisation)s.",
                "%(num)d material names remembered for %(organisation)s.",
                saved,
                organisation=building.organisation.name,
            ),
            "info",
        )
    start_job(current_app._get_current_object(), stage, "preview", current_user.id)
    return redirect(url_for("passports.import_stage", building_id=building.id, stage_id=stage.id))


@bp.route("/buildings/<int:building_id>/imports/<stage_id>/confirm", methods=["POST"])
@login_required
def import_confirm(building_id: int, stage_id: str):
    """Write the import: it runs again from the staged file, all or nothing; rows that look
    like components already in the building update them or are added, as chosen."""
    building, stage = _stage_or_404(building_id, stage_id)
    state = stage.state()
    report = state.get("report") or {}
    duplicates = request.form.get("duplicates") or None
    if state.get("status") != "done" or not report.get("ok"):
        flash(_("Fix the errors before importing."), "error")
    elif (report.get("duplicates") or {}).get("count") and duplicates not in CHOICES:
        flash(
            _(
                "Some rows match components already in this building: choose whether to "
                "update those components or to add the rows as new ones."
            ),
            "error",
        )
        return redirect(
            url_for(
                "passports.import_stage",
                building_id=building.id,
                stage_id=stage.id,
                _anchor="duplicates",
            )
        )
    elif not start_job(
        current_app._get_current_object(),
        stage,
        "commit",
        current_user.id,
        duplicates=duplicates if duplicates in CHOICES else None,
    ):
        flash(_("This import is already running or done."), "info")
    return redirect(url_for("passports.import_stage", building_id=building.id, stage_id=stage.id))


@bp.route("/buildings/<int:building_id>/imports/<stage_id>/discard", methods=["POST"])
@login_required
def import_discard(building_id: int, stage_id: str):
    """Throw the staged file away."""
    building, stage = _stage_or_404(building_id, stage_id)
    if stage.state().get("status") != "running":
        stage.remove()
        flash(_("The uploaded file was discarded; nothing was imported."), "info")
    return redirect(url_for("passports.building_detail", building_id=building.id))


@bp.route("/buildings/<int:building_id>/imports/runs/<int:run_id>")
@login_required
def import_run(building_id: int, run_id: int):
    """The report of a committed import."""
    building = building_for(current_user, building_id, write=True)
    run = owned_or_404(ImportRun, run_id, building_id=building.id)
    return render_template(
        "passports/imports/report.html", building=building, run=run, report=run.report
    )


@bp.route("/imports/template.<fmt>")
@login_required
def import_template(fmt: str):
    """Download the import template as CSV or XLSX."""
    if fmt == "csv":
        body, mimetype = template_csv(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mimetype = template_xlsx(), XLSX_MIMETYPE
    else:
        abort(404)
    return download(body, mimetype, f"components-template.{fmt}")


@bp.route("/imports/mappings")
@login_required
def mapping_list():
    """The organisation's remembered material names, editable."""
    requested = request.args.get("organisation_id", type=int)
    organisation = queries.mapping_organisation(current_user, requested)
    page = paginate_page(queries.mappings_query(organisation))
    return render_template(
        "passports/imports/mappings.html",
        page=page,
        materials=queries.material_choices(),
        organisation_id=organisation,
    )


@bp.route("/imports/mappings/<int:mapping_id>", methods=["POST"])
@login_required
def mapping_update(mapping_id: int):
    """Point a remembered name at another material, or forget it."""
    mapping = queries.mapping_for(current_user, mapping_id)
    if mapping is None:
        abort(404)
    organisation = mapping.organisation_id
    if request.form.get("action") == "delete":
        imports.delete_mapping(mapping)
        flash(_("Mapping removed: the next import will ask again."), "info")
    else:
        try:
            imports.update_mapping(mapping, request.form.get("material_id", type=int) or 0)
        except ValidationError:
            db.session.rollback()
            flash(_("Choose a material from the library."), "error")
            return redirect(url_for("passports.mapping_list", organisation_id=organisation))
        flash(
            _(
                "%(name)s now means %(material)s.",
                name=repr(mapping.source_name),
                material=mapping.material.name,
            ),
            "info",
        )
    db.session.commit()
    return redirect(url_for("passports.mapping_list", organisation_id=organisation))
