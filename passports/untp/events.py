"""A component's chain of custody as a UNTP Digital Traceability Event credential.

Every event of the passport's history (the part of a lot it was split from included, as the
history shows it) becomes one EPCIS-style event of the DTE vocabulary:

| our kind        | UNTP event          | GS1 CBV business step | disposition after          |
|-----------------|---------------------|-----------------------|----------------------------|
| inspected       | ObjectEvent         | inspecting            | by status                  |
| dismantled      | TransformationEvent | disassembling         | the installed element goes |
|                 |                     |                       | in, the reclaimed one out  |
| stored          | ObjectEvent         | storing               | by status                  |
| transported     | ObjectEvent         | shipping              | in_transit                 |
| reinstalled     | ObjectEvent         | installing            | active                     |
| disposed        | ObjectEvent         | destroying            | destroyed (action delete)  |
| note            | ObjectEvent         | (none)                | by status                  |
| status_changed  | ObjectEvent         | (none)                | by status                  |
| transferred     | TransactionEvent    | receiving             | active; from the recording |
|                 |                     |                       | organisation to the owner  |
|                 |                     |                       | of the destination         |

What the reduced passport keeps private is never in these events: no notes, no photos, no
names of people (organisations stay), no free-text locations.
"""

import hashlib

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.urls import public_path_url
from passports import queries
from passports.models import Building
from passports.models import ComponentEvent
from passports.offered import ReducedEvent
from passports.qr import tag_url
from passports.untp.signing import canonical_json
from passports.untp.vocabulary import CBV
from passports.untp.vocabulary import DTE_CONTEXT
from passports.untp.vocabulary import VC_CONTEXT
from passports.untp.vocabulary import compact
from passports.untp.vocabulary import issuer
from passports.untp.vocabulary import timestamp

# GS1 CBV 2.0 dispositions for the status a component is in after the event.
DISPOSITIONS = {
    "installed": "active",
    "to_harvest": "active",
    "harvested": "in_progress",
    "in_storage": "available",
    "listed": "sellable_accessible",
    "reserved": "reserved",
    "transferred": "active",
    "reinstalled": "active",
    "disposed": "destroyed",
}
BIZ_STEPS = {
    "inspected": "inspecting",
    "dismantled": "disassembling",
    "stored": "storing",
    "transported": "shipping",
    "reinstalled": "installing",
    "disposed": "destroying",
    "transferred": "receiving",
}
PROCESS_TYPES = {
    "inspected": "Inspection",
    "dismantled": "Dismantling",
    "stored": "Storage",
    "transported": "Transport",
    "reinstalled": "Reinstallation",
    "disposed": "Disposal",
    "note": "Note",
    "status_changed": "Status change",
    "transferred": "Transfer of custody",
}


def events_url(component) -> str:
    """Where the component's DTE credential is served (needs read access)."""
    return public_path_url(f"/api/v1/components/{component.id}/events.json")


def _item(component) -> dict:
    return {"type": ["Item"], "id": tag_url(component.tag), "name": component.name}


def _party(organisation, fallback: str) -> str:
    return organisation.name if organisation is not None else (fallback or "unknown")


def dte_event(component, event, *, url: str | None = None, item: dict | None = None) -> dict:
    """One event of the history as a UNTP event (`url` and `item`, the events credential's
    URL and the component as an EPC item, when the caller has them already)."""
    kind = event.kind
    common = {
        "id": f"{url or events_url(component)}#event-{event.id}",
        "processType": PROCESS_TYPES.get(kind, kind),
        "eventTime": timestamp(event.occurred_at),
        "action": "delete" if kind == "disposed" else "observe",
        "bizStep": CBV + "BizStep-" + BIZ_STEPS[kind] if kind in BIZ_STEPS else None,
        "disposition": CBV + "Disp-" + DISPOSITIONS.get(event.status_after, "unknown"),
    }
    if kind == "transported":
        common["disposition"] = CBV + "Disp-in_transit"
    item = item or _item(component)
    if kind == "dismantled":
        body = {
            "type": ["TransformationEvent", "Event"],
            "action": "add",
            "inputEPCList": [item],
            "outputEPCList": [item],
        }
    elif kind == "transferred":
        destination = event.building.organisation if event.building is not None else None
        body = {
            "type": ["TransactionEvent", "Event"],
            "sourceParty": _party(event.organisation, "unknown"),
            "destinationParty": _party(destination, "unknown"),
            "epcList": [item],
        }
    else:
        body = {"type": ["ObjectEvent", "Event"], "epcList": [item]}
    return compact({**common, **body})


def load_component(component_id: int):
    """A component with what its credential reads (building, materials and their library
    rows, hazards) in three queries; None when there is none."""
    from passports.models import Component
    from passports.queries import passport_component

    return passport_component(Component.id == component_id)


def events_credential(component, events) -> dict:
    """The DTE credential of a component's history (`events` newest first, as the history
    query gives them; the credential lists them oldest first)."""
    ordered = list(reversed(list(events)))
    newest = max((e.recorded_at for e in ordered), default=component.created_at)
    url, item = events_url(component), _item(component)
    return {
        "@context": [VC_CONTEXT, DTE_CONTEXT],
        "type": ["DigitalTraceabilityEvent", "VerifiableCredential"],
        "id": url,
        "issuer": issuer(),
        "validFrom": timestamp(newest),
        "credentialSubject": [dte_event(component, e, url=url, item=item) for e in ordered],
    }


def component_events(component, *, reduced: bool = False) -> list:
    """The component's history, newest first (with the organisations the events name, in the
    same query); the reduced view's events for an offered one."""
    stmt = queries.events_query(component).options(
        joinedload(ComponentEvent.organisation),
        joinedload(ComponentEvent.building).joinedload(Building.organisation),
    )
    events = list(db.session.scalars(stmt).unique())
    return [ReducedEvent(e) for e in events] if reduced else events


def digest(credential: dict) -> str:
    """SHA-256 (hex) of the credential's bytes as served."""
    return hashlib.sha256(canonical_json(credential)).hexdigest()
