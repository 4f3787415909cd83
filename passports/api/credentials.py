"""UNTP Digital Product Passports of components and buildings, and a component's chain of
custody as Digital Traceability Events: as JSON (`.json`) or signed by the instance
(`.jwt`, or `.json` with `Accept: application/vc+jwt`)."""

from flask_login import current_user
from sqlalchemy import select

from app.auth.decorators import api_login_required
from app.extensions import db
from passports.api.blueprint import blp
from passports.metrics.queries import building_figures
from passports.models import Component
from passports.permissions import building_for
from passports.permissions import passport_for
from passports.untp.building import building_credential
from passports.untp.credential import component_credential
from passports.untp.credential import component_events_credential
from passports.untp.events import load_component
from passports.untp.responses import credential_response
from passports.untp.signing import MEDIA_TYPE


def _doc(what: str) -> dict:
    return {
        200: {
            "description": f"{what}: the credential's JSON, or (`.jwt`, or `Accept: "
            f"{MEDIA_TYPE}`) the compact JWS signed by the instance (VC-JOSE-COSE: alg EdDSA, "
            "typ vc+jwt, cty vc; the key is in `/.well-known/did.json`).",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                MEDIA_TYPE: {"schema": {"type": "string"}},
            },
        }
    }


_COMPONENT = _doc(
    "A UNTP DigitalProductPassport verifiable credential. A reader of the building gets the "
    "full passport; a component offered on the exchange gives other logged-in users the "
    "reduced one (hazards without their notes and clearance notes)"
)
_EVENTS = _doc("A UNTP DigitalTraceabilityEvent verifiable credential of the chain of custody")
_BUILDING = _doc("A UNTP DigitalProductPassport verifiable credential of the building")


def _readable(component_id: int):
    """The component and whether the caller reads it in full (passport_for), loaded with what
    its credential reads: held while passport_for looks it up, which then finds it in the
    session's identity map instead of loading it bare."""
    held = load_component(component_id)
    component, full = passport_for(current_user, component_id)
    del held
    return component, full


def _component(component_id: int, signed: bool):
    component, full = _readable(component_id)
    return credential_response(
        component_credential(component, "full" if full else "offered"), signed=signed
    )


@blp.route("/components/<int:component_id>/dpp.json", methods=["GET"])
@api_login_required
@blp.doc(responses=_COMPONENT)
def component_dpp(component_id):
    """The component's UNTP Digital Product Passport."""
    return _component(component_id, signed=False)


@blp.route("/components/<int:component_id>/dpp.jwt", methods=["GET"])
@api_login_required
@blp.doc(responses=_COMPONENT)
def component_dpp_signed(component_id):
    """The component's UNTP Digital Product Passport, signed (application/vc+jwt)."""
    return _component(component_id, signed=True)


def _events(component_id: int, signed: bool):
    component, full = _readable(component_id)
    return credential_response(
        component_events_credential(component, "full" if full else "offered"), signed=signed
    )


@blp.route("/components/<int:component_id>/events.json", methods=["GET"])
@api_login_required
@blp.doc(responses=_EVENTS)
def component_events(component_id):
    """The component's chain of custody as UNTP traceability events (the passport links to
    it with its SHA-256 digest)."""
    return _events(component_id, signed=False)


@blp.route("/components/<int:component_id>/events.jwt", methods=["GET"])
@api_login_required
@blp.doc(responses=_EVENTS)
def component_events_signed(component_id):
    """The component's chain of custody as UNTP traceability events, signed."""
    return _events(component_id, signed=True)


def _building(building_id: int, signed: bool):
    building = building_for(current_user, building_id)
    components = db.session.execute(
        select(Component.id, Component.tag, Component.name)
        .where(Component.building_id == building.id, Component.archived_at.is_(None))
        .order_by(Component.id)
    ).all()
    credential = building_credential(building, building_figures(building.id), components)
    return credential_response(credential, signed=signed)


@blp.route("/buildings/<int:building_id>/dpp.json", methods=["GET"])
@api_login_required
@blp.doc(responses=_BUILDING)
def building_dpp(building_id):
    """The building's UNTP Digital Product Passport: its materials, MCI and carbon, and a
    link to each component's passport."""
    return _building(building_id, signed=False)


@blp.route("/buildings/<int:building_id>/dpp.jwt", methods=["GET"])
@api_login_required
@blp.doc(responses=_BUILDING)
def building_dpp_signed(building_id):
    """The building's UNTP Digital Product Passport, signed (application/vc+jwt)."""
    return _building(building_id, signed=True)
