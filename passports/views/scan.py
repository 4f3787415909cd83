"""The tag URL printed on every label: `/t/<tag>` for people and programs, GS1 Digital Link
forms that resolve to it, event recording from the scan page, and event photos."""

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.errors import ServiceError
from app.errors import wants_json
from app.extensions import db
from app.forms import flatten_errors
from app.urls import external_url
from passports import queries
from passports.lifecycle import allowed_events
from passports.lifecycle import events_for
from passports.models import DISMANTLING_GUIDE
from passports.models import DISPOSAL_ROUTES
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentMaterial
from passports.models import EventPhoto
from passports.permissions import can_read_building
from passports.permissions import can_record_events
from passports.permissions import can_write_building
from passports.photos import upload_dir
from passports.qr import tag_url
from passports.recording import record_from_request
from passports.schemas import ComponentSchema
from passports.schemas import EventSchema
from passports.tags import format_tag
from passports.tags import normalize_tag
from passports.views import bp

TIMELINE_LENGTH = 50


def _component_by_tag(raw: str) -> Component | None:
    tag = normalize_tag(raw)
    if tag is None:
        return None
    return db.session.scalar(
        select(Component)
        .where(Component.tag == tag)
        .options(
            joinedload(Component.building),
            selectinload(Component.materials).joinedload(ComponentMaterial.material),
            selectinload(Component.hazards),
        )
    )


def _public(facts) -> dict:
    return {
        "tag": facts.tag,
        "tag_display": format_tag(facts.tag),
        "tag_url": tag_url(facts.tag),
        "name": facts.name,
        "material_family": facts.material_family,
        "city": facts.city,
        "status": facts.status,
        "hazards": queries.public_hazards(facts.id),
    }


def _not_found(raw: str):
    if wants_json():
        return jsonify(
            {
                "code": 404,
                "status": "Not Found",
                "errors": {},
                "message": "No component has this tag.",
            }
        ), 404
    return render_template("passports/tag_not_found.html", tag=raw), 404


@bp.route("/t/<raw>")
def scan(raw: str):
    """A component's passport as its label promises: safe facts for all, the rest for users."""
    tag = normalize_tag(raw)
    facts = queries.tag_facts(tag) if tag else None
    if facts is None:
        return _not_found(raw)
    component = None
    if current_user.is_authenticated:
        component = _component_by_tag(tag)
        if not can_read_building(current_user, component.building):
            component = None
    if wants_json():
        body = {**_public(facts), "access": "full" if component else "public"}
        if component:
            body["component"] = ComponentSchema().dump(component)
            body["building"] = {
                "id": component.building.id,
                "name": component.building.name,
                "city": component.building.city,
            }
            body["allowed_events"] = list(events_for(component))
            events = db.session.scalars(queries.events_query(component).limit(20))
            body["events"] = EventSchema(many=True).dump(events)
        else:
            body["login_url"] = external_url("auth.login", next=request.path)
        return jsonify(body)
    if component is None:
        return render_template(
            "passports/scan_public.html", f=facts, hazards=queries.public_hazards(facts.id)
        )
    return _scan_page(component)


def _scan_page(
    component: Component, errors: dict | None = None, values: dict | None = None, status: int = 200
):
    events = db.session.scalars(
        queries.events_query(component)
        .options(selectinload(ComponentEvent.photos))
        .limit(TIMELINE_LENGTH)
    ).all()
    allowed = events_for(component)
    return render_template(
        "passports/scan.html",
        c=component,
        building=component.building,
        events=events,
        allowed=allowed,
        held_back=[k for k in allowed_events(component.status) if k not in allowed],
        can_record=can_record_events(current_user, component.building),
        can_clear=can_write_building(current_user, component.building),
        guide=DISMANTLING_GUIDE.get(component.connection_type or ""),
        disposal_routes=DISPOSAL_ROUTES,
        errors=errors or {},
        values=values or {},
    ), status


@bp.route("/t/<raw>/events", methods=["POST"])
def scan_record(raw: str):
    """Record an event from the scan page (the form works without JavaScript)."""
    component = _component_by_tag(raw)
    if component is None:
        return _not_found(raw)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("passports.scan", raw=component.tag)))
    if not can_read_building(current_user, component.building):
        abort(404)
    try:
        event, replayed = record_from_request(component, current_user)
    except ValidationError as exc:
        db.session.rollback()
        return _scan_page(component, flatten_errors(exc.messages), request.form, 422)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _scan_page(component, {}, request.form, exc.code)
    if not replayed:
        flash(f"Recorded: {event.kind.replace('_', ' ')}.", "success")
    return redirect(url_for("passports.scan", raw=component.tag) + "#timeline")


@bp.route("/t")
def tag_lookup():
    """Resolve a tag typed into a box (`/t?tag=…`)."""
    raw = request.args.get("tag", "")
    tag = normalize_tag(raw)
    if tag is None or _component_by_tag(tag) is None:
        return _not_found(raw)
    return redirect(url_for("passports.scan", raw=tag))


@bp.route("/01/<gtin>/21/<path:serial>")
def gs1_serial(gtin: str, serial: str):
    """GS1 Digital Link: a GTIN and serial number resolve to the component's tag URL."""
    if not gtin.isdigit() or len(gtin) > 14:
        return _not_found(f"{gtin}/{serial}")
    tag = queries.tag_for_gtin_serial(gtin, serial)
    if tag is None:
        return _not_found(f"{gtin}/{serial}")
    return redirect(url_for("passports.scan", raw=tag), 302)


@bp.route("/8004/<giai>")
def gs1_giai(giai: str):
    """GS1 Digital Link: a GIAI made of our company prefix and the tag."""
    prefix = current_app.config["GS1_COMPANY_PREFIX"]
    if not giai.startswith(prefix):
        return _not_found(giai)
    component = _component_by_tag(giai[len(prefix) :])
    if component is None:
        return _not_found(giai)
    return redirect(url_for("passports.scan", raw=component.tag), 302)


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    """An event photo, for users who may read the component's passport."""
    item = db.session.get(EventPhoto, photo_id)
    if item is None or not can_read_building(current_user, item.event.component.building):
        abort(404)
    root = upload_dir().resolve()
    path = (root / item.stored_name).resolve()
    # A stored name is ours, but a restored or edited row must still not reach outside.
    if not path.is_relative_to(root) or path == root or not path.is_file():
        abort(404)
    # Photos are re-encoded and small: read whole, so a phone that drops the connection
    # mid-download never leaves a file handle open in the worker.
    response = Response(path.read_bytes(), mimetype=item.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
