"""QR images of tags and printable label sheets of a building's components.

- ``/t/<tag>/qr.png`` and ``/t/<tag>/qr.svg`` are public, like the printed label they copy: the
  image holds nothing but the tag's URL. The tag is read in any case, with or without hyphens;
  unknown and malformed tags answer 404. ``size`` is the wanted width in pixels (default 320),
  a whole number from 64 to 2048; anything else answers 400 rather than being clamped, so a
  typo in an embedding page shows up instead of printing at a surprising size. A tag's URL
  never changes, so the images are cached for a year and revalidated by ETag.
- ``/buildings/<id>/labels`` is the form, and ``/buildings/<id>/labels.pdf`` the PDF, for
  anyone who may read the building.
"""

import hashlib
import re
import unicodedata

from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from passports import queries
from passports.labels import LAYOUTS
from passports.labels import LabelData
from passports.labels import render_labels
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import Component
from passports.permissions import building_for
from passports.qr import RENDER_VERSION
from passports.qr import box_size_for
from passports.qr import qr_png
from passports.qr import qr_svg
from passports.qr import tag_url
from passports.tags import normalize_tag
from passports.views import bp

QR_SIZE_DEFAULT = 320
QR_SIZE_MIN, QR_SIZE_MAX = 64, 2048
QR_CACHE_CONTROL = "public, max-age=31536000, immutable"
MAX_LABELS = 5000
_MAX_ID = 2**31 - 1  # ids beyond a PostgreSQL integer cannot exist; refuse them before SQL


def _whole(text: str) -> int | None:
    """A whole number written in ASCII digits, else None (str.isdigit also accepts "²")."""
    return int(text) if text.isascii() and text.isdigit() else None


def _known_tag(text: str) -> str:
    """The canonical tag of an existing component (archived ones too), or 404."""
    tag = normalize_tag(text)
    if tag is None or db.session.scalar(select(Component.id).where(Component.tag == tag)) is None:
        abort(404)
    return tag


def _qr_size() -> int:
    raw = request.args.get("size", "").strip()
    if not raw:
        return QR_SIZE_DEFAULT
    size = _whole(raw)
    if size is None or not QR_SIZE_MIN <= size <= QR_SIZE_MAX:
        abort(400, f"size must be a whole number of pixels from {QR_SIZE_MIN} to {QR_SIZE_MAX}.")
    return size


def _qr_response(text: str, kind: str) -> Response:
    url = tag_url(_known_tag(text))
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


def _ids(raw: str) -> list[int]:
    ids = [_whole(p.strip()) for p in raw.replace(";", ",").split(",") if p.strip()]
    if not all(i is not None and 0 < i <= _MAX_ID for i in ids):
        abort(400, "Component ids must be whole numbers separated by commas, e.g. 12, 15, 31.")
    if len(ids) > MAX_LABELS:
        abort(400, f"Choose at most {MAX_LABELS} component ids.")
    return sorted(set(ids))


def _selection() -> dict:
    """The label request read from the query string; 400 with a message when it cannot be."""
    args = request.args
    layout = args.get("layout", "l7160").strip().lower() or "l7160"
    if layout not in LAYOUTS:
        abort(400, f"Unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}.")
    category = args.get("category", "").strip() or None
    status = args.get("status", "").strip() or None
    if category not in (None, *CATEGORIES):
        abort(400, f"Unknown category {category!r}.")
    if status not in (None, *COMPONENT_STATUSES):
        abort(400, f"Unknown status {status!r}.")
    start = _whole(args.get("start", "").strip() or "0")
    per_page = LAYOUTS[layout].per_page
    if start is None or start >= per_page:
        if per_page == 1:
            abort(400, "Skipping used positions applies to label sheets, not to a roll.")
        abort(400, f"start is the number of used labels on the sheet: 0 to {per_page - 1}.")
    return {
        "layout": layout,
        "storey": args.get("storey") or None,
        "category": category,
        "status": status,
        "ids": _ids(args.get("ids", "")),
        "start": start,
        "outline": args.get("outline") in ("1", "on", "true"),
    }


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "building"


@bp.route("/buildings/<int:building_id>/labels")
@login_required
def label_form(building_id: int):
    """Choose the label stock and the components to print QR labels for."""
    building = _readable_building(building_id)
    live = (Component.building_id == building.id, Component.archived_at.is_(None))
    storeys = db.session.scalars(
        select(distinct(Component.storey)).where(*live).order_by(Component.storey)
    ).all()
    count = db.session.scalar(select(func.count(Component.id)).where(*live))
    return render_template(
        "passports/labels_form.html",
        building=building,
        layouts=LAYOUTS.values(),
        storeys=[s for s in storeys if s],
        count=count,
        args=request.args,
    )


@bp.route("/buildings/<int:building_id>/labels.pdf")
@login_required
def label_pdf(building_id: int):
    """A PDF of QR labels for the selected components, on the chosen label stock."""
    building = _readable_building(building_id)
    sel = _selection()
    stmt = queries.components_query(
        building.id, storey=sel["storey"], category=sel["category"], status=sel["status"]
    )
    if sel["ids"]:
        found = set(
            db.session.scalars(
                select(Component.id).where(
                    Component.building_id == building.id,
                    Component.archived_at.is_(None),
                    Component.id.in_(sel["ids"]),
                )
            )
        )
        missing = [i for i in sel["ids"] if i not in found]
        if missing:
            abort(422, f"No component of this building has id {', '.join(map(str, missing))}.")
        stmt = stmt.where(Component.id.in_(sel["ids"]))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if not total:
        abort(422, "No components match this selection: there are no labels to print.")
    if total > MAX_LABELS:
        abort(422, f"{total} components match; print at most {MAX_LABELS} labels at a time.")

    rows = stmt.with_only_columns(Component.tag, Component.name, Component.storey)
    with db.session.execute(rows.execution_options(yield_per=500)) as result:
        pdf = render_labels(
            (LabelData(t, tag_url(t), n, s, building.name) for t, n, s in result),
            sel["layout"],
            start=sel["start"],
            outline=sel["outline"],
            title=f"QR labels · {building.name}",
        )
    filename = f"labels-{_slug(building.name)}-{sel['layout']}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Component names and places are private passport data.
            "Cache-Control": "private, no-store",
        },
    )
