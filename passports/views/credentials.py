"""The public UNTP credential of a tag and the instance's DID document.

`/t/<TAG>/dpp.json` (and `.jwt`, signed) answer anyone, as the tag page does: tags are
unguessable and printed on the component, and the credential holds only what the tag page
shows an anonymous caller. `/.well-known/did.json` publishes the key the credentials are
signed with (did:web), so that anyone can verify them."""

from flask import Response
from flask import jsonify
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from passports import queries
from passports.models import Component
from passports.tags import normalize_tag
from passports.untp.credential import component_credential
from passports.untp.responses import credential_response
from passports.untp.signing import canonical_json
from passports.untp.signing import did_document
from passports.views import bp

PUBLIC_CACHE = "public, max-age=60"


def _public_credential(raw: str, signed: bool):
    tag = normalize_tag(raw)
    facts = queries.tag_facts(tag) if tag else None
    if facts is None:
        body = {
            "code": 404,
            "status": "Not Found",
            "errors": {},
            "message": _("No component has this tag."),
        }
        return jsonify(body), 404
    component = db.session.scalar(
        select(Component).where(Component.id == facts.id).options(joinedload(Component.building))
    )
    public = {
        "city": facts.city,
        "material_family": facts.material_family,
        "hazards": queries.public_hazards(facts),
    }
    credential = component_credential(component, "public", public)
    return credential_response(credential, signed=signed, cache=PUBLIC_CACHE)


@bp.route("/t/<raw>/dpp.json")
def tag_credential(raw: str):
    """The tag's public UNTP Digital Product Passport (what the tag page shows anyone)."""
    return _public_credential(raw, signed=False)


@bp.route("/t/<raw>/dpp.jwt")
def tag_credential_signed(raw: str):
    """The tag's public UNTP Digital Product Passport, signed (application/vc+jwt)."""
    return _public_credential(raw, signed=True)


@bp.route("/.well-known/did.json")
def did_json():
    """The instance's did:web document: the public key its credentials are signed with."""
    response = Response(canonical_json(did_document()), mimetype="application/did+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
