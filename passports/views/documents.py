"""Pages of passport documents: the printable passport (HTML and PDF), its frozen versions,
and the comparison of two versions.

Readers of a building see its documents and versions; writers (its owners) freeze versions.
The building page shows the figures through the template globals defined here. Pages and PDFs
are in the reader's language; the document itself (its JSON) stays as it is.
"""

from flask import Response
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_datetime
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.errors import ServiceError
from app.extensions import db
from app.forms import load_form
from app.pagination import paginate_page
from app.views import download
from app.views import form_errors
from app.views import render_form
from app.views import saved
from passports.documents import snapshots as versions
from passports.documents.charts import STATUS_COLOURS
from passports.documents.charts import bar_chart
from passports.documents.charts import completeness_chart
from passports.documents.charts import family_chart
from passports.documents.charts import mass_text
from passports.documents.charts import score_scale
from passports.documents.charts import words
from passports.documents.export import build_document
from passports.documents.export import passport_filename
from passports.documents.pdf import render_passport_pdf
from passports.documents.schemas import SnapshotCreateSchema
from passports.metrics.queries import building_figures
from passports.permissions import building_for
from passports.permissions import can_write_building
from passports.views import bp


def passport_charts(summary: dict) -> dict:
    """The SVG charts of a passport summary: materials by mass, completeness, statuses."""
    statuses = [r for r in summary.get("by_status", []) if r["mass_kg"] > 0]
    return {
        "families": family_chart(summary["mass_by_family"], label=_("Mass by material family")),
        "completeness": completeness_chart(summary["completeness"]),
        "statuses": bar_chart(
            [(words(r["status"]), r["mass_kg"], mass_text(r["mass_kg"])) for r in statuses],
            label=_("Mass by lifecycle status"),
            colours=STATUS_COLOURS,
            keys=[r["status"] for r in statuses],
        ),
        "mci": score_scale(summary["mci"], label=_("Material Circularity Indicator")),
        "disassembly": score_scale(summary["disassembly_score"], label=_("Disassembly score")),
    }


@bp.app_template_filter("score")
def _score(value: float | None) -> str:
    """A 0-1 score with two decimals in the page's language, or a dash when unknown."""
    return "–" if value is None else format_decimal(value, format="0.00")


@bp.app_template_filter("carbon")
def _carbon(value: float | None) -> str:
    """Embodied or avoided carbon: kgCO2e below a tonne, tCO2e above (the number in the page's
    language)."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{format_decimal(value / 1000, format='#,##0.0')} tCO2e"
    return f"{format_decimal(value, format='#,##0')} kgCO2e"


@bp.app_template_global("passport_figures")
def _passport_figures(building) -> dict:
    """MCI, disassembly score, carbon and completeness of a building, with its charts."""
    figures = building_figures(building.id)
    return {**figures, "charts": passport_charts({**figures, "by_status": []})}


@bp.app_template_global("passport_versions")
def _passport_versions(building, limit: int = 5) -> list:
    """The building's latest frozen passport versions."""
    return db.session.scalars(versions.snapshots_query(building.id).limit(limit)).all()


def _render_document(doc: dict, building, snapshot=None):
    return render_template(
        "passports/passport/document.html",
        doc=doc,
        building=building,
        snapshot=snapshot,
        charts=passport_charts(doc["summary"]),
        hazards=[(c, h) for c in doc["components"] for h in c["hazards"]],
    )


def _pdf(doc: dict, filename: str, note: str | None = None) -> Response:
    pdf = render_passport_pdf(doc, version_note=note)
    return download(pdf, "application/pdf", filename, inline=True)


@bp.route("/buildings/<int:building_id>/passport")
@login_required
def passport_document(building_id: int):
    """The printable passport of a building."""
    building = building_for(current_user, building_id)
    return _render_document(build_document(building), building)


@bp.route("/buildings/<int:building_id>/passport.pdf")
@login_required
def passport_pdf(building_id: int):
    """The passport as a PDF."""
    building = building_for(current_user, building_id)
    return _pdf(build_document(building), passport_filename(building, "pdf"))


@bp.route("/buildings/<int:building_id>/versions", methods=["GET", "POST"])
@login_required
def passport_versions(building_id: int):
    """The building's frozen passport versions; owners freeze a new one here."""
    building = building_for(current_user, building_id)
    writable = can_write_building(current_user, building)
    errors, values = {}, {}
    if request.method == "POST":
        building = building_for(current_user, building_id, write=True)
        values = {k: request.form.get(k, "") for k in ("label", "note")}
        with form_errors() as errors:
            data = load_form(SnapshotCreateSchema(), values)
            snapshot = versions.freeze_snapshot(
                building, current_user, data["label"], data.get("note", "")
            )
            return saved(
                _("Passport frozen as “%(label)s”.", label=snapshot.label),
                url_for("passports.passport_versions", building_id=building.id),
            )
    page = paginate_page(versions.snapshots_query(building.id), per_page=20)
    return render_form(
        "passports/passport/versions.html",
        errors,
        building=building,
        page=page,
        writable=writable,
        values=values,
    )


@bp.route("/passport-versions/<int:snapshot_id>")
@login_required
def passport_version(snapshot_id: int):
    """A frozen passport version, shown like the live passport."""
    snapshot = versions.snapshot_for(current_user, snapshot_id)
    return _render_document(snapshot.document, snapshot.building, snapshot)


@bp.route("/passport-versions/<int:snapshot_id>.pdf")
@login_required
def passport_version_pdf(snapshot_id: int):
    """A frozen passport version as a PDF."""
    snapshot = versions.snapshot_for(current_user, snapshot_id)
    note = _(
        "Frozen version “%(label)s” of %(when)s.",
        label=snapshot.label,
        when=format_datetime(snapshot.created_at, "medium"),
    )
    name = passport_filename(snapshot.building, "pdf", snapshot.created_at.date())
    return _pdf(snapshot.document, name.replace("passport-", f"passport-v{snapshot.id}-"), note)


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit()


@bp.route("/buildings/<int:building_id>/versions/compare")
@login_required
def passport_compare(building_id: int):
    """What changed between two versions (or a version and the passport as it is now)."""
    building = building_for(current_user, building_id)
    before, after = request.args.get("from", ""), request.args.get("to", "current")
    # isascii: str.isdigit() also takes "²", which int() cannot read.
    if not _number(before) or not (after == "current" or _number(after)):
        raise ServiceError(
            _("Choose two versions to compare."),
            code=422,
            errors={"from": [_("Choose a version.")]},
        )
    result = versions.compare_versions(
        current_user, int(before), after if after == "current" else int(after)
    )
    if result["building_id"] != building.id:
        raise ServiceError(_("These versions are of another building."), code=422)
    return render_template("passports/passport/compare.html", building=building, d=result)
