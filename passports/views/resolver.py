"""The GS1 resolver's routes: GS1 Digital Link URIs (`/01/<gtin>/21/<serial>`, `/8004/<giai>`),
the resolver description file, and the public JSON documents its links point at.

A browser is sent on (307) to the passport page; `?linkType=` picks another link (307 too);
`Accept: application/linkset+json` (or `application/json`), `?linkType=linkset` and the older
`?linkType=all` answer the RFC 9264 linkset. Every answer names the linkset in a `Link` header
and varies on Accept (and Accept-Language: titles are in the reader's language). The routes
are public and read one row (two for the linkset of a component the exchange offers); the
choice of links lives in passports.resolver.
"""

from functools import lru_cache
from urllib.parse import urlencode

from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from app.errors import error_payload
from app.errors import wants_json
from app.extensions import limiter
from passports import queries
from passports import resolver
from passports.gs1 import digital_link_uri
from passports.gs1 import giai as giai_of
from passports.tags import format_tag
from passports.tags import normalize_tag
from passports.views import bp
from passports.views.scan import hazard_name
from passports.views.scan import identifiers
from passports.views.scan import tag_not_found

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Expose-Headers": "Link, Location, Vary",
}
_METHODS = ["GET", "HEAD", "OPTIONS"]


def _with_cors(response: Response) -> Response:
    # Added, not replaced: nothing else sets them on the resolver's answers.
    response.headers.extend(CORS_HEADERS)
    return response


def _preflight() -> Response:
    return _with_cors(Response(status=204, headers={"Allow": "GET, HEAD, OPTIONS"}))


@lru_cache(maxsize=256)
def _accept_wants(header: str) -> tuple[bool, bool]:
    """What an Accept header asks of the resolver: (the linkset, rather than a page: it
    prefers the linkset or plain JSON, as the standard recommends, to HTML; and, when the
    linkset is answered, plain JSON rather than the linkset media type). Scanners and
    browsers send a handful of distinct headers, so each is parsed once."""
    accept = parse_accept_header(header, MIMEAccept)
    best = accept.best_match(["text/html", resolver.LINKSET, "application/json"])
    linkset = best is not None and best != "text/html" and accept[best] > accept["text/html"]
    return linkset, accept["application/json"] > accept[resolver.LINKSET]


def _wants_linkset(link_type: str) -> bool:
    """The linkset is asked for: by linkType, or by the Accept header (`_accept_wants`)."""
    if link_type:
        return link_type in resolver.LINKSET_LINK_TYPES
    return _accept_wants(request.headers.get("Accept", ""))[0]


def _linkset_link(subject: resolver.Subject) -> str:
    return f'<{subject.anchor}?linkType=linkset>; rel="linkset"; type="{resolver.LINKSET}"'


def _finish(response: Response, subject: resolver.Subject) -> Response:
    response.headers.add("Link", _linkset_link(subject))
    response.vary.update(("Accept", "Accept-Language"))
    return _with_cors(response)


def _passed_on() -> str:
    """The request's query string without linkType: passed on to the target, as the
    standard asks."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "linkType"]
    return urlencode(pairs)


def _redirect(subject: resolver.Subject, link: resolver.Link) -> Response:
    query = _passed_on()
    location = link.href + ("&" if "?" in link.href else "?") + query if query else link.href
    response = Response(status=307, headers={"Location": location})
    return _finish(response, subject)


def _linkset_response(subject: resolver.Subject) -> Response:
    plain_json = (
        not request.args.get("linkType") and _accept_wants(request.headers.get("Accept", ""))[1]
    )
    response = current_app.response_class(
        resolver.linkset_json(subject),
        mimetype="application/json" if plain_json else resolver.LINKSET,
    )
    response.headers.add(
        "Link",
        f'<{resolver.LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
        'type="application/ld+json"',
    )
    return _finish(response, subject)


def _unknown_link_type(subject: resolver.Subject, requested: str) -> Response:
    """404 with the link types the component has (JSON for programs, a page for people)."""
    links = resolver.all_links(subject)
    types = resolver.link_types(links)
    message = _(
        "This component has no link of type %(link_type)s. Its link types: %(link_types)s.",
        link_type=requested,
        link_types=", ".join(types),
    )
    if wants_json() or _wants_linkset(""):
        body = error_payload(404, "Not Found", message, {"linkType": [message]})
        body["link_types"] = types
        response = jsonify(body)
    else:
        response = current_app.make_response(
            render_template(
                "passports/resolver_links.html",
                subject=subject,
                requested=requested,
                links=[(resolver.compact(link.rel), link) for link in links],
                tag_display=format_tag(subject.tag),
            )
        )
    response.status_code = 404
    return _finish(response, subject)


def _answer(subject: resolver.Subject | None, raw: str) -> Response:
    """The resolver's answer for the component a Digital Link URI names."""
    if subject is None:
        response = current_app.make_response(tag_not_found(raw))
        return _with_cors(response)
    requested = request.args.get("linkType", "").strip()
    if _wants_linkset(requested):
        return _linkset_response(subject)
    rel = resolver.expand_link_type(requested) if requested else resolver.DEFAULT_LINK
    if rel == resolver.DEFAULT_LINK:
        return _redirect(subject, resolver.default_link(subject))
    links = [link for link in resolver.own_links(subject) if link.rel == rel]
    if not links:
        links = [link for link in resolver.offered_links(subject) if link.rel == rel]
    if not links:
        return _unknown_link_type(subject, requested)
    return _redirect(subject, resolver.choose(links, request.accept_mimetypes))


def _find(lookup, *args):
    try:
        return lookup(*args)
    except resolver.InvalidDigitalLink as exc:
        abort(400, str(exc))


# The resolver's reads share one driver connection per request; it goes back to the pool here.


# The resolver stays out of any default limit set later: its answers are public and cheap.
@bp.route("/01/<gtin>/21/<path:serial>", methods=_METHODS)
@limiter.exempt
def gs1_serial(gtin: str, serial: str):
    """GS1 Digital Link by GTIN and serial number: the passport page, another link or the
    linkset of the component."""
    if request.method == "OPTIONS":
        return _preflight()
    serial = serial.rstrip("/")  # the standard asks to tolerate a trailing slash
    return _answer(_find(resolver.by_gtin_serial, gtin, serial), f"{gtin}/{serial}")


@bp.route("/8004/<giai>", methods=_METHODS)
@bp.route("/8004/<giai>/", methods=_METHODS)
@limiter.exempt
def gs1_giai(giai: str):
    """GS1 Digital Link by GIAI (our company prefix and the tag): the passport page, another
    link or the linkset of the component."""
    if request.method == "OPTIONS":
        return _preflight()
    return _answer(_find(resolver.by_giai, giai), giai)


@bp.route("/.well-known/gs1resolver", methods=_METHODS)
def gs1_resolver_description():
    """The resolver description file the GS1-Conformant Resolver Standard asks for."""
    if request.method == "OPTIONS":
        return _preflight()
    return _with_cors(jsonify(resolver.description()))


# ------------------------------------------------------------------ public documents
def _public_facts(raw: str):
    tag = normalize_tag(raw)
    return queries.tag_facts(tag) if tag else None


def _not_found_json(raw: str):
    body = error_payload(404, "Not Found", _("No component has this tag."))
    return _with_cors(jsonify(body)), 404


@bp.route("/t/<raw>/hazards.json")
def tag_hazards(raw: str):
    """The hazardous substances of a component and whether each is cleared: public, as on
    the tag's page (the notes and evidence stay with the owner's passport)."""
    facts = _public_facts(raw)
    if facts is None:
        return _not_found_json(raw)
    hazards = [{**h, "name": hazard_name(h["kind"])} for h in queries.public_hazards(facts)]
    body = {
        **identifiers(facts),
        "hazards": hazards,
        "uncleared": sum(1 for h in hazards if not h["cleared"]),
    }
    return _with_cors(jsonify(body))


@bp.route("/t/<raw>/master-data.json")
def tag_master_data(raw: str):
    """What anyone may know of a component as a product: its identifiers (tag, GIAI, GTIN
    and serial number, GS1 Digital Link URI), name, main material family, status and city."""
    facts = _public_facts(raw)
    if facts is None:
        return _not_found_json(raw)
    body = {
        **identifiers(facts),
        "giai": giai_of(facts.tag),
        "gtin": facts.gtin,
        "serial_number": facts.serial_number,
        "name": facts.name,
        "material_family": facts.material_family,
        "status": facts.status,
        "city": facts.city,
    }
    return _with_cors(jsonify(body))


@bp.app_template_global("gs1_digital_link")
def gs1_digital_link(component) -> str:
    """The component's GS1 Digital Link URI, for pages."""
    return digital_link_uri(component.tag, component.gtin, component.serial_number)
