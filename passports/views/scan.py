"""The tag URL printed on every label: `/t/<tag>` for people and programs (the GS1 Digital
Link URIs that resolve to it are passports.views.resolver's), event recording from the scan
page, and event photos.

The scripts of these pages (event-form.js, scanner.js) hold no words of their own: the page
hands them their texts, translated here, as JSON (`script_texts`), and they fill in the
numbers and names with the browser's Intl in the page's language."""

from babel.lists import format_list
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from app.errors import ServiceError
from app.errors import wants_json
from app.extensions import db
from app.forms import flatten_errors
from app.i18n import word
from app.urls import external_url
from passports import queries
from passports.gs1 import digital_link_uri
from passports.lifecycle import allowed_events
from passports.lifecycle import events_for
from passports.models import DISMANTLING_GUIDE
from passports.models import DISPOSAL_ROUTES
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import EventPhoto
from passports.offered import OfferedComponentSchema
from passports.offered import reduced_events
from passports.permissions import can_read_building
from passports.permissions import can_record_events
from passports.permissions import can_write_building
from passports.permissions import is_offered
from passports.photos import upload_dir
from passports.qr import tag_url
from passports.recording import record_from_request
from passports.schemas import ComponentSchema
from passports.schemas import EventSchema
from passports.schemas.events import REQUIRED_BY_KIND
from passports.tags import format_tag
from passports.tags import normalize_tag
from passports.views import bp
from passports.views.components import offered_context

TIMELINE_LENGTH = 50
# The fields each kind of event asks for, beyond the kind, notes and photos (shown in this order).
KIND_FIELDS = {
    "inspected": ("condition",),
    "stored": ("location",),
    "transported": ("from_location", "to_location", "distance_km"),
    "reinstalled": ("building_id",),
    "disposed": ("disposal_route",),
}
# How many numbers to try when looking for one of each plural category of a language.
_PLURAL_SAMPLES = range(0, 200)


def listed(items) -> str:
    """Names as one list in the page's language: "Lead, PCB and asbestos", "鉛、PCB"."""
    return format_list([str(item) for item in items], locale=get_locale() or "en")


def hazard_name(kind: str) -> str:
    """A hazardous substance as people name it (PCB stays in capitals)."""
    return kind.upper() if kind == "pcb" else word(kind)


def counted(pick) -> dict[str, str]:
    """The forms of a counted text in the page's language, by CLDR plural category
    ({"one": "%(num)d photo", "other": "%(num)d photos"}), for a script to choose with
    Intl.PluralRules: `pick(n)` returns the catalogue's raw form for n."""
    locale = get_locale()
    samples: dict[str, int] = {}
    for n in _PLURAL_SAMPLES:
        samples.setdefault(locale.plural_form(n) if locale else ("one" if n == 1 else "other"), n)
    return {category: pick(n) for category, n in samples.items()}


def event_form_texts() -> dict:
    """What event-form.js says (the form, the outbox), in the page's language.

    Raw catalogue texts: the script fills in `%(name)s` and picks the plural forms."""
    t = get_translations()
    return {
        "choose_kind": t.gettext("Choose what happened."),
        "required": t.gettext("Required for this kind of event."),
        "fill_in": t.gettext("%(kind)s: fill in %(fields)s."),
        "distance": t.gettext("Enter the distance in km, for example %(example)s."),
        "too_many_photos": counted(
            lambda n: t.ngettext(
                "At most %(num)d photo per event.", "At most %(num)d photos per event.", n
            )
        ),
        "photo_too_large": t.gettext("Photo %(position)s is larger than %(mb)s MB."),
        "a_photo_too_large": t.gettext("A photo is larger than %(mb)s MB."),
        "correct": t.gettext("The event was not recorded. Correct the fields marked below."),
        "offline_saved": t.gettext(
            "Saved on this phone: no connection. It will be sent as soon as the connection is back."
        ),
        "saved_behind": t.gettext(
            "Saved on this phone behind the events still waiting. They are sent in order."
        ),
        "saved_retry": t.gettext("Saved on this phone: %(reason)s It will be sent again shortly."),
        "recorded": t.gettext("Recorded: %(kind)s."),
        "not_saved": t.gettext(
            "The event could not be saved on this phone. Try again, or check the storage "
            "settings of the browser."
        ),
        "sending_button": t.gettext("Sending…"),
        "no_connection": t.gettext("No connection."),
        "logged_out": t.gettext(
            "You are logged out. Log in again, and the waiting events will be sent."
        ),
        "refused_status": t.gettext("Refused (%(status)s)."),
        "server_unavailable": t.gettext("The server is unavailable (%(status)s)."),
        "unexpected": t.gettext("Unexpected answer (%(status)s)."),
        "outbox_failed": t.gettext("The outbox could not be sent. It will be tried again."),
        "outbox_unreadable": t.gettext("The outbox on this phone cannot be read."),
        "waiting": t.gettext("Waiting to send:"),
        "refused": t.gettext("Refused:"),
        "sending": t.gettext("Sending:"),
        "item": t.gettext("%(kind)s · %(name)s — captured %(time)s"),
        "photos": counted(lambda n: t.ngettext("%(num)d photo", "%(num)d photos", n)),
        "not_sent_again": t.gettext("It was not recorded and will not be sent again."),
        "dismiss": t.gettext("Dismiss"),
        "last_try": t.gettext("Last try: %(reason)s"),
        "outbox_title": counted(
            lambda n: t.ngettext(
                "Outbox · %(num)d event on this phone", "Outbox · %(num)d events on this phone", n
            )
        ),
        "send_now": t.gettext("Send now"),
        "offline_help": t.gettext(
            "You are offline. Events are kept on this phone and sent when the connection is back."
        ),
        "online_help": t.gettext("Events are sent as soon as the connection allows."),
        "volatile": t.gettext(
            "This browser cannot keep events after the page is closed: keep this page open "
            "until they are sent."
        ),
        "sent": counted(
            lambda n: t.ngettext(
                "✓ Sent %(num)d waiting event.", "✓ Sent %(num)d waiting events.", n
            )
        ),
        "show_in_history": t.gettext("Show it in the history"),
        "others": counted(
            lambda n: t.ngettext(
                "%(num)d event of another account waits for it to log in on this phone.",
                "%(num)d events of another account wait for it to log in on this phone.",
                n,
            )
        ),
    }


def _component_by_tag(raw: str) -> Component | None:
    tag = normalize_tag(raw)
    if tag is None:
        return None
    return queries.passport_component(Component.tag == tag)


def identifiers(facts) -> dict:
    """How a component is named in public JSON: its tag, printed and as a URL, and its GS1
    Digital Link URI."""
    return {
        "tag": facts.tag,
        "tag_display": format_tag(facts.tag),
        "tag_url": tag_url(facts.tag),
        "gs1_digital_link": digital_link_uri(facts.tag, facts.gtin, facts.serial_number),
    }


def _public(facts) -> dict:
    return {
        **identifiers(facts),
        "name": facts.name,
        "material_family": facts.material_family,
        "city": facts.city,
        "status": facts.status,
        "hazards": queries.public_hazards(facts),
    }


def tag_not_found(raw: str):
    """404 for a tag (or GS1 identifier) no component has: JSON for programs, a page with
    the lookup box for people."""
    if wants_json():
        return jsonify(
            {
                "code": 404,
                "status": "Not Found",
                "errors": {},
                "message": _("No component has this tag."),
            }
        ), 404
    return render_template("passports/tag_not_found.html", tag=raw), 404


@bp.route("/t/<raw>")
def scan(raw: str):
    """A component's passport as its label promises: safe facts for all, the rest for users."""
    tag = normalize_tag(raw)
    facts = queries.tag_facts(tag) if tag else None
    if facts is None:
        return tag_not_found(raw)
    component = None
    if current_user.is_authenticated:
        component = _component_by_tag(tag)
        if not can_read_building(current_user, component.building):
            if is_offered(component):
                return _offered(component)
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
        hazards = queries.public_hazards(facts)
        return render_template(
            "passports/scan_public.html",
            f=facts,
            hazards=hazards,
            hazard_name=hazard_name,
            open_hazard_names=listed(hazard_name(h["kind"]) for h in hazards if not h["cleared"]),
        )
    return _scan_page(component)


def _offered(component: Component):
    """A component offered to every logged-in user (on the exchange), for a reader without
    access to its building: the reduced passport (passports.offered)."""
    if wants_json():
        body = {
            **_public(queries.tag_facts(component.tag)),
            "access": "offered",
            "component": OfferedComponentSchema().dump(component),
            "building": {"name": component.building.name, "city": component.building.city},
            "allowed_events": [],
            "events": EventSchema(many=True).dump(reduced_events(component, 20)),
        }
        return jsonify(body)
    return render_template("passports/component_detail.html", **offered_context(component))


def _form_fields(allowed) -> list[str]:
    """The fields of the event form for these kinds, in the order they stand."""
    kinds = [name for kind, names in KIND_FIELDS.items() if kind in allowed for name in names]
    return ["kind", *kinds, "notes", "photos"]


def _first_in_error(errors: dict, fields: list[str]) -> str | None:
    """The form field that takes the focus: the first one, in the form's order, in error."""
    named = {"photos" if name.startswith("photos-") else name for name in errors}
    return next((name for name in fields if name in named), None)


def _scan_page(
    component: Component,
    errors: dict | None = None,
    values: dict | None = None,
    status: int = 200,
    form_error: str | None = None,
):
    events = db.session.scalars(
        queries.events_query(component)
        .options(selectinload(ComponentEvent.photos))
        .limit(TIMELINE_LENGTH)
    ).all()
    allowed = events_for(component)
    errors = errors or {}
    fields = _form_fields(allowed)
    held_back = [k for k in allowed_events(component.status) if k not in allowed]
    open_hazards = [h for h in component.hazards if not h.cleared]
    return render_template(
        "passports/scan.html",
        c=component,
        building=component.building,
        events=events,
        allowed=allowed,
        held_back=held_back,
        held_back_names=listed(word(k) for k in held_back),
        open_hazards=open_hazards,
        open_hazard_names=listed(hazard_name(h.kind) for h in open_hazards),
        hazard_name=hazard_name,
        can_record=can_record_events(current_user, component.building),
        can_clear=can_write_building(current_user, component.building),
        guide=DISMANTLING_GUIDE.get(component.connection_type or ""),
        disposal_routes=DISPOSAL_ROUTES,
        required=REQUIRED_BY_KIND,
        max_photo_mb=current_app.config["MAX_PHOTO_BYTES"] // (1024 * 1024),
        max_photos=current_app.config["MAX_PHOTOS_PER_EVENT"],
        errors=errors,
        form_error=form_error,
        first_error=_first_in_error(errors, fields),
        field_names=fields,
        values=values or {},
        texts={"events": event_form_texts()} if current_user.is_authenticated else {},
    ), status


@bp.route("/t/<raw>/events", methods=["POST"])
def scan_record(raw: str):
    """Record an event from the scan page (the form works without JavaScript)."""
    component = _component_by_tag(raw)
    if component is None:
        return tag_not_found(raw)
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
        return _scan_page(component, {}, request.form, exc.code, form_error=exc.message)
    if not replayed:
        flash(_("Recorded: %(kind)s.", kind=word(event.kind)), "success")
    return redirect(url_for("passports.scan", raw=component.tag) + "#timeline")


@bp.route("/t")
def tag_lookup():
    """Resolve a tag typed into a box (`/t?tag=…`)."""
    raw = request.args.get("tag", "")
    tag = normalize_tag(raw)
    if tag is None or _component_by_tag(tag) is None:
        return tag_not_found(raw)
    return redirect(url_for("passports.scan", raw=tag))


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
