"""QR images of tags and printable label sheets of a building's components.

- ``/t/<tag>/qr.png`` and ``/t/<tag>/qr.svg`` are public, like the printed label they copy: the
  image holds nothing but what the label encodes (LABEL_LINK: the tag's URL, or its GS1 Digital
  Link URI; passports.gs1.label_url). The tag is read in any case, with or without hyphens;
  unknown and malformed tags answer 404. ``size`` is the wanted width in pixels (default 320),
  a whole number from 64 to 2048; anything else answers 400 rather than being clamped, so a
  typo in an embedding page shows up instead of printing at a surprising size. A tag's URL
  never changes, so the images are cached for a year and revalidated by ETag (the ETag
  covers the encoded URL, so changing LABEL_LINK changes it).
- ``/buildings/<id>/labels`` is the form, and ``/buildings/<id>/labels.pdf`` the PDF, for
  anyone who may read the building. A selection that cannot be printed (nothing matches, an id
  that is not the building's, a typo) answers the form again, its choices kept, with what to
  change (400 or 422).
- A sheet of more than LABELS_AT_ONCE labels (up to MAX_LABELS) is not drawn in the request:
  labels.pdf answers a page that posts the selection (CSRF) to ``/buildings/<id>/labels/jobs``,
  which starts a job (app.jobs, on the worker processes) and sends the user to its page: the
  progress, then a download link. The PDF is kept in the job folder and served only to the
  user who asked for it, while they may still read the building. Sheets up to LABELS_AT_ONCE
  labels (a few seconds at most) still download at once, as people expect of a small sheet.
"""

import hashlib
import re
import unicodedata

from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select

from app import jobs
from app.extensions import db
from passports import queries
from passports.gs1 import label_url
from passports.labels import LAYOUTS
from passports.labels import LabelData
from passports.labels import render_labels
from passports.labels.jobs import SHEET_PHASES
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import Component
from passports.permissions import building_for
from passports.qr import RENDER_VERSION
from passports.qr import box_size_for
from passports.qr import qr_png
from passports.qr import qr_svg
from passports.tags import normalize_tag
from passports.views import bp

QR_SIZE_DEFAULT = 320
QR_SIZE_MIN, QR_SIZE_MAX = 64, 2048
QR_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Sheets up to this many labels are drawn in the request; larger ones (up to MAX_LABELS) by a job.
LABELS_AT_ONCE = 1000
MAX_LABELS = 20000
SHEET_JOB = "passports.labels.jobs:render_sheet"
_MAX_ID = 2**31 - 1  # ids beyond a PostgreSQL integer cannot exist; refuse them before SQL


def _whole(text: str) -> int | None:
    """A whole number written in ASCII digits, else None (str.isdigit also accepts "²")."""
    return int(text) if text.isascii() and text.isdigit() else None


def _label_url_of(text: str) -> str:
    """What the label of an existing component (archived ones too) encodes, as LABEL_LINK
    says (passports.gs1.label_url); 404 for an unknown tag."""
    tag = normalize_tag(text)
    row = None
    if tag is not None:
        row = db.session.execute(
            select(Component.gtin, Component.serial_number).where(Component.tag == tag)
        ).one_or_none()
    if row is None:
        abort(404)
    return label_url(tag, row.gtin, row.serial_number)


def _qr_size() -> int:
    raw = request.args.get("size", "").strip()
    if not raw:
        return QR_SIZE_DEFAULT
    size = _whole(raw)
    if size is None or not QR_SIZE_MIN <= size <= QR_SIZE_MAX:
        abort(
            400,
            _(
                "size must be a whole number of pixels from %(min)s to %(max)s.",
                min=QR_SIZE_MIN,
                max=QR_SIZE_MAX,
            ),
        )
    return size


def _qr_response(text: str, kind: str) -> Response:
    url = _label_url_of(text)
    size = _qr_size()
    etag = hashlib.sha256(f"{RENDER_VERSION}|{url}|{size}|{kind}".encode()).hexdigest()[:32]
    mimetype = "image/png" if kind == "png" else "image/svg+xml"
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    elif kind == "png":
        response = Response(qr_png(url, box_size_for(url, size)), mimetype=mimetype)
    else:
        response = Response(qr_svg(url, size), mimetype=mimetype)
        # Opened on its own, an SVG is a document: let it run and fetch nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.set_etag(etag)
    response.headers["Cache-Control"] = QR_CACHE_CONTROL
    return response


@bp.route("/t/<tag>/qr.png")
def tag_qr_png(tag: str):
    """The tag's QR code as a PNG about `size` pixels wide; public and cached for a year."""
    return _qr_response(tag, "png")


@bp.route("/t/<tag>/qr.svg")
def tag_qr_svg(tag: str):
    """The tag's QR code as an SVG `size` pixels wide; public and cached for a year."""
    return _qr_response(tag, "svg")


def _readable_building(building_id: int):
    """The building if the user may read it; ids past the integer column are unknown (404)."""
    if building_id > _MAX_ID:
        abort(404)
    return building_for(current_user, building_id)


class SelectionProblem(Exception):
    """A label selection that cannot be printed: the form is shown again with the message
    beside the field (`field`) to change, and the HTTP status (400 or 422)."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


def _ids(raw: str) -> list[int]:
    ids = [_whole(p.strip()) for p in raw.replace(";", ",").split(",") if p.strip()]
    if not all(i is not None and 0 < i <= _MAX_ID for i in ids):
        raise SelectionProblem(
            _("Component ids must be whole numbers separated by commas, e.g. 12, 15, 31."), "ids"
        )
    if len(ids) > MAX_LABELS:
        raise SelectionProblem(_("Choose at most %(max)s component ids.", max=MAX_LABELS), "ids")
    return sorted(set(ids))


def _selection(args=None) -> dict:
    """The label request read from the query string (or a posted form); SelectionProblem when
    it cannot be."""
    args = request.args if args is None else args
    layout = args.get("layout", "l7160").strip().lower() or "l7160"
    if layout not in LAYOUTS:
        raise SelectionProblem(
            _(
                "Unknown layout %(layout)s: choose one of %(layouts)s.",
                layout=repr(layout),
                layouts=", ".join(LAYOUTS),
            ),
            "layout",
        )
    category = args.get("category", "").strip() or None
    status = args.get("status", "").strip() or None
    if category not in (None, *CATEGORIES):
        raise SelectionProblem(
            _("Unknown category %(category)s.", category=repr(category)), "category"
        )
    if status not in (None, *COMPONENT_STATUSES):
        raise SelectionProblem(_("Unknown status %(status)s.", status=repr(status)), "status")
    start = _whole(args.get("start", "").strip() or "0")
    per_page = LAYOUTS[layout].per_page
    if start is None or start >= per_page:
        if per_page == 1:
            raise SelectionProblem(
                _("Skipping used positions applies to label sheets, not to a roll."), "start"
            )
        raise SelectionProblem(
            _(
                "Labels already used on the first sheet: 0 to %(last)s (start is the number of "
                "used labels on the sheet).",
                last=per_page - 1,
            ),
            "start",
        )
    return {
        "layout": layout,
        "storey": args.get("storey") or None,
        "category": category,
        "status": status,
        "ids": _ids(args.get("ids", "") or ""),
        "start": start,
        "outline": args.get("outline") in ("1", "on", "true"),
    }


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "building"


def _form(building, problem: SelectionProblem | None = None, args=None):
    """The label form, with the user's choices; a problem shows its message above the form
    and beside the field to change."""
    live = (Component.building_id == building.id, Component.archived_at.is_(None))
    storeys = db.session.scalars(
        select(distinct(Component.storey)).where(*live).order_by(Component.storey)
    ).all()
    count = db.session.scalar(select(func.count(Component.id)).where(*live))
    errors = {problem.field: [problem.message]} if problem and problem.field else {}
    return render_template(
        "passports/labels_form.html",
        building=building,
        layouts=LAYOUTS.values(),
        storeys=[s for s in storeys if s],
        count=count,
        args=request.args if args is None else args,
        problem=problem,
        errors=errors,
    ), (problem.status if problem else 200)


@bp.route("/buildings/<int:building_id>/labels")
@login_required
def label_form(building_id: int):
    """Choose the label stock and the components to print QR labels for."""
    return _form(_readable_building(building_id))


@bp.route("/buildings/<int:building_id>/labels.pdf")
@login_required
def label_pdf(building_id: int):
    """A PDF of QR labels for the selected components, on the chosen label stock; the form
    again, with the choices kept and what to change, when they cannot be printed."""
    building = _readable_building(building_id)
    try:
        return _label_pdf(building)
    except SelectionProblem as problem:
        return _form(building, problem)


def selected_components(building_id: int, sel: dict):
    """The statement of the selected live components of the building, in printing order;
    SelectionProblem for ids that are not the building's."""
    stmt = queries.components_query(
        building_id, storey=sel["storey"], category=sel["category"], status=sel["status"]
    )
    if sel["ids"]:
        found = set(
            db.session.scalars(
                select(Component.id).where(
                    Component.building_id == building_id,
                    Component.archived_at.is_(None),
                    Component.id.in_(sel["ids"]),
                )
            )
        )
        missing = [i for i in sel["ids"] if i not in found]
        if missing:
            raise SelectionProblem(
                ngettext(
                    "No component of this building has id %(ids)s.",
                    "No component of this building has the ids %(ids)s.",
                    len(missing),
                    ids=", ".join(map(str, missing)),
                ),
                "ids",
                422,
            )
        stmt = stmt.where(Component.id.in_(sel["ids"]))
    return stmt


def label_rows(stmt):
    """The columns a label needs, of the selected components."""
    return stmt.with_only_columns(
        Component.tag, Component.gtin, Component.serial_number, Component.name, Component.storey
    )


def sheet_filename(building, layout: str) -> str:
    """The PDF's file name: the building's name and the label stock."""
    return f"labels-{_slug(building.name)}-{layout}.pdf"


def _counted(building, sel: dict):
    stmt = selected_components(building.id, sel)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if not total:
        raise SelectionProblem(
            _(
                "No components match this selection: there are no labels to print. Widen it "
                "(another storey, category or status, or none) and download again."
            ),
            status=422,
        )
    if total > MAX_LABELS:
        raise SelectionProblem(
            _(
                "%(count)s components match; print at most %(max)s labels at a time: narrow "
                "the selection by storey, category or status.",
                count=total,
                max=MAX_LABELS,
            ),
            status=422,
        )
    return stmt, total


def _pdf_response(pdf, filename: str) -> Response:
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Component names and places are private passport data.
            "Cache-Control": "private, no-store",
        },
    )


def _label_pdf(building) -> Response:
    sel = _selection()
    stmt, total = _counted(building, sel)
    if total > current_app.config.get("LABELS_AT_ONCE", LABELS_AT_ONCE):
        # Too long to draw in a request: the page posts the selection to start a job.
        return render_template(
            "passports/labels_job_start.html", building=building, total=total, args=request.args
        )
    with db.session.execute(label_rows(stmt).execution_options(yield_per=500)) as result:
        pdf = render_labels(
            (LabelData(t, label_url(t, g, sn), n, s, building.name) for t, g, sn, n, s in result),
            sel["layout"],
            start=sel["start"],
            outline=sel["outline"],
            title=_("QR labels · %(building)s", building=building.name),
        )
    return _pdf_response(pdf, sheet_filename(building, sel["layout"]))


@bp.route("/buildings/<int:building_id>/labels/jobs", methods=["POST"])
@login_required
def label_job_start(building_id: int):
    """Start drawing a large label sheet in the background; its page shows the progress."""
    building = _readable_building(building_id)
    try:
        sel = _selection(request.form)
        _stmt, total = _counted(building, sel)
    except SelectionProblem as problem:
        return _form(building, problem, request.form)
    job_id = jobs.submit(
        SHEET_JOB,
        building.id,
        current_user.id,
        sel,
        owner_id=current_user.id,
        job_meta={"building_id": building.id, "labels": total, "kind": "labels"},
    )
    return redirect(
        url_for("passports.label_job", building_id=building.id, job_id=job_id), code=303
    )


def _job_or_404(building_id: int, job_id: str):
    """The sheet job of this building, if the current user started it and may still read the
    building; any other job is unknown (404)."""
    building = _readable_building(building_id)
    try:
        state = jobs.state(job_id)
    except ValueError:
        state = None
    if (
        state is None
        or state.get("target") != SHEET_JOB
        or state.get("owner_id") != current_user.id
        or (state.get("meta") or {}).get("building_id") != building.id
    ):
        abort(404)
    return building, state


def _job_status(building, job_id: str, state: dict) -> dict:
    status = state.get("status")
    done, total = state.get("done", 0), state.get("total", 0)
    return {
        # The progress script (import-progress.js) polls while "running".
        "status": "running" if status in ("queued", "running") else status,
        "phase": str(SHEET_PHASES.get(state.get("phase"), "")),
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else None,
        "message": state.get("message"),
        "url": url_for("passports.label_job", building_id=building.id, job_id=job_id),
        "download": (
            url_for("passports.label_job_pdf", building_id=building.id, job_id=job_id)
            if status == "done"
            else None
        ),
    }


@bp.route("/buildings/<int:building_id>/labels/jobs/<job_id>")
@login_required
def label_job(building_id: int, job_id: str):
    """A label sheet job: its progress, then the download link (or what went wrong)."""
    building, state = _job_or_404(building_id, job_id)
    return render_template(
        "passports/labels_job.html",
        building=building,
        status=_job_status(building, job_id, state),
        labels=(state.get("meta") or {}).get("labels", 0),
        json_url=url_for("passports.label_job_status", building_id=building.id, job_id=job_id),
    )


@bp.route("/buildings/<int:building_id>/labels/jobs/<job_id>/status")
@login_required
def label_job_status(building_id: int, job_id: str):
    """The sheet job's progress as JSON, polled by its page."""
    building, state = _job_or_404(building_id, job_id)
    response = jsonify(_job_status(building, job_id, state))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/buildings/<int:building_id>/labels/jobs/<job_id>/labels.pdf")
@login_required
def label_job_pdf(building_id: int, job_id: str):
    """The finished sheet, for the user who asked for it while they may read the building."""
    building, state = _job_or_404(building_id, job_id)
    result = state.get("result") or {}
    path = jobs.jobs_root() / f"{job_id}.pdf"
    if state.get("status") != "done" or not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=result.get("filename") or sheet_filename(building, "l7160"),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
