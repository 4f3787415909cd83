"""The UNTP Digital Product Passport of a component (a building's is in `building`).

Three views of a component, as its passport has them:

- `full`: for whoever reads the building's passport (`permissions.can_read_building`): the
  product with its identifiers, materials with their mass shares, recycled and reused content,
  the circularity and emissions scorecards, hazards with their clearances (dates and notes),
  and the chain of custody as a linked, hashed DTE credential;
- `offered`: for a logged-in reader of a component offered on the exchange
  (`passports.offered`): what the reduced passport shows, so the same but for the hazards'
  notes and clearance notes (the chain of custody never carries notes, photos or people's
  names in any view);
- `public`: what anyone who scans the tag may know (`/t/<TAG>` for anonymous callers,
  `queries.tag_facts` and `queries.public_hazards`): name, tag and GIAI identifiers, status,
  city, main material family, and each hazard with whether it is cleared. No figures, no
  history, no GTIN or serial (the GS1 URI is the GIAI form, which says no more than the tag).

Every figure is the app's own: the stored MCI, disassembly score and A1-A3 carbon of
`passports.metrics.stored` (evaluated by `passports.metrics.evaluate` where a row was never
scored), C_U, C_R and X from the same evaluation, mass shares from the recorded masses or by
`passports.mass.split_by_material`, and a building's figures from
`passports.metrics.queries.building_figures`.
"""

from app.urls import public_path_url
from passports.gs1 import giai
from passports.metrics import evaluate
from passports.metrics.stored import component_facts
from passports.qr import tag_url
from passports.untp.events import component_events
from passports.untp.events import digest
from passports.untp.events import events_credential
from passports.untp.events import events_url
from passports.untp.sections import IFC_CLASSES
from passports.untp.sections import circularity
from passports.untp.sections import dimensions
from passports.untp.sections import emissions
from passports.untp.sections import hazard
from passports.untp.sections import hazard_records
from passports.untp.sections import identifiers
from passports.untp.sections import materials
from passports.untp.vocabulary import DPP_CONTEXT
from passports.untp.vocabulary import GS1_LINK_TYPES
from passports.untp.vocabulary import KILOGRAM
from passports.untp.vocabulary import LINK_TYPES
from passports.untp.vocabulary import UNECE_UNITS
from passports.untp.vocabulary import VC_CONTEXT
from passports.untp.vocabulary import compact
from passports.untp.vocabulary import issuer
from passports.untp.vocabulary import link
from passports.untp.vocabulary import measure
from passports.untp.vocabulary import timestamp

VIEWS = ("full", "offered", "public")


def envelope(credential_id: str, subject: dict, valid_from: str) -> dict:
    """A DigitalProductPassport credential of this instance around its subject."""
    return {
        "@context": [VC_CONTEXT, DPP_CONTEXT],
        "type": ["DigitalProductPassport", "VerifiableCredential"],
        "id": credential_id,
        "issuer": issuer(),
        "validFrom": valid_from,
        "credentialSubject": subject,
    }


def component_credential(component, view: str = "full", public: dict | None = None) -> dict:
    """The DigitalProductPassport credential of a component in one of `VIEWS`; the public
    one is made of `public`, what the tag page shows anyone (`material_family`, `city` and
    `hazards` as `queries.tag_facts` and `queries.public_hazards` give them)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    url = tag_url(component.tag)
    hazards = [
        hazard(component, n, h, view)
        for n, h in enumerate(hazard_records(component, view, public), start=1)
    ]
    characteristics = {
        "type": ["Characteristics"],
        "tag": component.tag,
        "tagUri": url,
        "giai": giai(component.tag),
        "status": component.status,
    }
    product = {
        "type": ["Product"],
        **identifiers(component, view),
        "name": component.name,
        "furtherInformation": [link(url, "Material passport", GS1_LINK_TYPES + "pip")],
    }
    subject = {"type": ["ProductPassport"], "id": url, "product": product}
    if view == "public":
        characteristics.update(
            compact({"city": public.get("city"), "materialFamily": public.get("material_family")})
        )
        product["characteristics"] = characteristics
        subject["materialsProvenance"] = [m for m, _ in hazards]
        subject["conformityClaim"] = [c for _, c in hazards]
        credential_id = public_path_url(f"/t/{component.tag}/dpp.json")
        valid_from = timestamp(component.updated_at)
        return envelope(credential_id, compact(subject), valid_from)

    metrics = evaluate(component_facts(component, lambda cm: cm.material))
    history = component_events(component, reduced=view == "offered")
    events = events_credential(component, history)
    characteristics.update(
        compact(
            {
                "gtin": component.gtin,
                "ifcGuid": component.ifc_guid,
                "ifcClass": component.ifc_class,
                "category": component.category,
                "storey": component.storey,
                "quantity": measure(component.quantity, UNECE_UNITS[component.unit]),
                "mass": measure(component.mass_kg, KILOGRAM)
                if component.mass_kg is not None
                else None,
                "massSource": component.mass_source,
                "condition": component.condition,
                "installYear": component.install_year,
                "serviceLifeYears": component.service_life_years,
                "manufacturer": component.manufacturer,
                "reuseCycles": component.reuse_cycles or 0,
                "building": {"name": component.building.name, "city": component.building.city},
            }
        )
    )
    product.update(
        compact(
            {
                "description": component.description,
                "productCategory": [
                    {
                        "type": ["Classification"],
                        "id": IFC_CLASSES + component.ifc_class,
                        "code": component.ifc_class,
                        "name": component.ifc_class,
                        "schemeID": IFC_CLASSES,
                        "schemeName": "IFC 4.3 (buildingSMART)",
                    }
                ]
                if component.ifc_class
                else None,
                "dimensions": dimensions(component),
                "characteristics": characteristics,
            }
        )
    )
    carbon = component.carbon_a1a3_kg
    carbon = carbon if carbon is not None else metrics.carbon_a1a3_kg
    subject.update(
        compact(
            {
                "granularityLevel": "item"
                if component.unit == "pcs" and component.quantity == 1
                else "batch",
                "materialsProvenance": materials(component) + [m for m, _ in hazards],
                "conformityClaim": [c for _, c in hazards],
                "circularityScorecard": circularity(component, metrics),
                "emissionsScorecard": emissions(carbon, component.mass_kg),
                "traceabilityInformation": [
                    {
                        "type": ["TraceabilityPerformance"],
                        "valueChainProcess": "Chain of custody",
                        "verifiedRatio": 1.0,
                        "traceabilityEvent": [
                            {
                                "type": ["SecureLink", "Link"],
                                "linkURL": events_url(component),
                                "linkName": "Chain of custody (UNTP DTE credential)",
                                "linkType": LINK_TYPES + "dte",
                                "hashDigest": digest(events),
                                "hashMethod": "SHA-256",
                            }
                        ],
                    }
                ],
            }
        )
    )
    credential_id = public_path_url(f"/api/v1/components/{component.id}/dpp.json")
    valid_from = max([component.updated_at, *(e.recorded_at for e in history)])
    return envelope(credential_id, subject, timestamp(valid_from))


def component_events_credential(component, view: str = "full") -> dict:
    """The DTE credential the DPP links to (and hashes)."""
    return events_credential(component, component_events(component, reduced=view == "offered"))
