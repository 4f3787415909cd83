"""UNTP Digital Product Passports of a component and of a building.

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

from app.urls import external_url
from app.urls import public_path_url
from passports.gs1 import digital_link_uri
from passports.gs1 import giai
from passports.mass import Part
from passports.mass import split_by_material
from passports.metrics import evaluate
from passports.metrics.stored import component_facts
from passports.qr import tag_url
from passports.untp.events import component_events
from passports.untp.events import digest
from passports.untp.events import events_credential
from passports.untp.events import events_url
from passports.untp.vocabulary import DPP_CONTEXT
from passports.untp.vocabulary import GS1_LINK_TYPES
from passports.untp.vocabulary import KILOGRAM
from passports.untp.vocabulary import LINK_TYPES
from passports.untp.vocabulary import MILLIMETRE
from passports.untp.vocabulary import UNECE_UNITS
from passports.untp.vocabulary import VC_CONTEXT
from passports.untp.vocabulary import compact
from passports.untp.vocabulary import issuer
from passports.untp.vocabulary import link
from passports.untp.vocabulary import measure
from passports.untp.vocabulary import ratio
from passports.untp.vocabulary import timestamp

VIEWS = ("full", "offered", "public")
HAZARD_NAMES = {
    "asbestos": "Asbestos",
    "pcb": "PCB",
    "lead": "Lead",
    "other": "Other hazardous substance",
}
EN_15978 = {
    "type": ["Standard"],
    "id": "https://standards.cencenelec.eu/dyn/www/f?p=CEN:110:0::::FSP_PROJECT:31325",
    "name": "EN 15978:2011, modules A1-A3; factors from the ICE database v2 unless the material "
    "library cites another source",
    "issuingParty": {"id": "https://www.cencenelec.eu/", "name": "CEN"},
}
IFC_CLASSES = "https://identifier.buildingsmart.org/uri/buildingsmart/ifc/4.3/class/"


def _envelope(credential_id: str, subject: dict, valid_from: str) -> dict:
    return {
        "@context": [VC_CONTEXT, DPP_CONTEXT],
        "type": ["DigitalProductPassport", "VerifiableCredential"],
        "id": credential_id,
        "issuer": issuer(),
        "validFrom": valid_from,
        "credentialSubject": subject,
    }


def _hazard(component, position: int, hazard: dict, view: str) -> tuple[dict, dict]:
    """A hazard as a hazardous material and as a safety claim (cleared or not)."""
    kind = hazard["kind"]
    name = HAZARD_NAMES.get(kind, kind)
    cleared = hazard["cleared"]
    material = {
        "type": ["Material"],
        "name": name,
        "hazardous": True,
        "hazardKind": kind,
        "cleared": cleared,
    }
    claim = {
        "type": ["Claim", "Declaration"],
        "id": f"{tag_url(component.tag)}#hazard-{position}",
        "conformityTopic": "social.safety",
        "description": f"{name}: " + ("cleared" if cleared else "present, not cleared"),
        "conformance": cleared,
    }
    if view != "public":
        claim["assessmentDate"] = hazard["cleared_at"].date().isoformat() if cleared else None
    if view == "full":
        claim["hazardNotes"] = hazard["notes"]
        claim["clearanceNote"] = hazard["clearance_note"]
    return compact(material), compact(claim)


def _mass_shares(component) -> list[float | None]:
    """Each material's share of the component's mass: from the recorded masses, else by the
    volume shares and densities (`passports.mass.split_by_material`)."""
    parts = component.materials
    masses = [cm.mass_kg for cm in parts]
    if parts and all(m is not None for m in masses) and sum(masses) > 0:
        total = sum(masses)
        return [m / total for m in masses]
    return split_by_material(
        1.0, [Part(cm.material.name, cm.fraction, cm.material.density_kg_m3) for cm in parts]
    )


def _materials(component) -> list[dict]:
    out = []
    for cm, share in zip(component.materials, _mass_shares(component), strict=True):
        material = cm.material
        out.append(
            compact(
                {
                    "type": ["Material"],
                    "name": material.name,
                    "materialFamily": material.family,
                    "massFraction": ratio(share),
                    "volumeFraction": ratio(cm.fraction),
                    "mass": measure(cm.mass_kg, KILOGRAM) if cm.mass_kg is not None else None,
                    "recycledMassFraction": ratio(component.recycled_content or 0.0),
                    "reusedMassFraction": ratio(component.reused_content or 0.0),
                    "hazardous": False,
                    "embodiedCarbonFactor": ratio(material.carbon_a1a3),
                }
            )
        )
    return out


def _identifiers(component, view: str) -> dict:
    gtin, serial = (component.gtin, component.serial_number) if view != "public" else (None, None)
    if gtin and serial:
        scheme = {"type": ["IdentifierScheme"], "id": "https://id.gs1.org/01/", "name": "GTIN"}
        registered = f"{gtin}.21.{serial}"
    else:
        scheme = {"type": ["IdentifierScheme"], "id": "https://id.gs1.org/8004/", "name": "GIAI"}
        registered = giai(component.tag)
    return compact(
        {
            "id": digital_link_uri(component.tag, gtin, serial),
            "registeredId": registered,
            "idScheme": scheme,
            "serialNumber": serial,
        }
    )


def _dimensions(component) -> dict | None:
    values = {
        "weight": measure(component.unit_mass_kg, KILOGRAM) if component.unit_mass_kg else None,
        "length": measure(component.length_mm, MILLIMETRE) if component.length_mm else None,
        "width": measure(component.width_mm, MILLIMETRE) if component.width_mm else None,
        "height": measure(component.height_mm, MILLIMETRE) if component.height_mm else None,
    }
    values = compact(values)
    return {"type": ["Dimension"], **values} if values else None


def _hazards(component, view: str, public: dict | None) -> list[dict]:
    if view == "public":
        return (public or {}).get("hazards", [])
    return [
        {
            "kind": h.kind,
            "cleared": h.cleared_at is not None,
            "cleared_at": h.cleared_at,
            "notes": h.notes,
            "clearance_note": h.clearance_note,
        }
        for h in component.hazards
    ]


def _circularity(component, metrics) -> dict:
    mci = component.mci if component.mci is not None else metrics.mci
    ds = component.disassembly_score
    ds = ds if ds is not None else metrics.disassembly_score
    return compact(
        {
            "type": ["CircularityPerformance"],
            "recycledContent": ratio(component.recycled_content or 0.0),
            "reusedContent": ratio(component.reused_content or 0.0),
            "recyclableContent": ratio(metrics.recycle_fraction),
            "reusableContent": ratio(metrics.reuse_fraction),
            "utilityFactor": ratio(metrics.utility),
            "materialCircularityIndicator": ratio(mci),
            "disassemblyScore": ratio(ds),
            "connectionType": component.connection_type,
            "accessibility": component.accessibility,
            "intersections": component.intersections,
            "edgeEnclosure": component.edge_enclosure,
            "reuseCycles": component.reuse_cycles or 0,
            "metricsQuality": metrics.quality,
            "defaultedInputs": list(metrics.defaults),
            "recyclingInformation": link(
                tag_url(component.tag), "Passport and dismantling guidance", GS1_LINK_TYPES + "pip"
            ),
        }
    )


def _emissions(carbon_kg: float | None, mass_kg: float | None) -> dict | None:
    """A1-A3 per kg of product (the declared unit), with the total beside it."""
    if carbon_kg is None or not mass_kg:
        return None
    return {
        "type": ["EmissionsPerformance"],
        "carbonFootprint": ratio(carbon_kg / mass_kg),
        "declaredUnit": KILOGRAM,
        "operationalScope": "CradleToGate",
        "primarySourcedRatio": 0.0,
        "reportingStandard": EN_15978,
        "totalCarbonFootprint": measure(carbon_kg, "KGM"),
        "totalCarbonFootprintUnit": "kgCO2e",
    }


def component_credential(component, view: str = "full", public: dict | None = None) -> dict:
    """The DigitalProductPassport credential of a component in one of `VIEWS`; the public
    one is made of `public`, what the tag page shows anyone (`material_family`, `city` and
    `hazards` as `queries.tag_facts` and `queries.public_hazards` give them)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    url = tag_url(component.tag)
    hazards = [
        _hazard(component, n, h, view)
        for n, h in enumerate(_hazards(component, view, public), start=1)
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
        **_identifiers(component, view),
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
        return _envelope(credential_id, compact(subject), valid_from)

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
                "dimensions": _dimensions(component),
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
                "materialsProvenance": _materials(component) + [m for m, _ in hazards],
                "conformityClaim": [c for _, c in hazards],
                "circularityScorecard": _circularity(component, metrics),
                "emissionsScorecard": _emissions(carbon, component.mass_kg),
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
    return _envelope(credential_id, subject, timestamp(valid_from))


def component_events_credential(component, view: str = "full") -> dict:
    """The DTE credential the DPP links to (and hashes)."""
    return events_credential(component, component_events(component, reduced=view == "offered"))


def building_credential(building, figures: dict, components) -> dict:
    """The building as the product: its identifiers, its materials by family, its MCI,
    disassembly score and A1-A3 carbon (`building_figures`), and a link to each live
    component's credential. `components` is (id, tag, name) rows."""
    page = external_url("passports.building_detail", building_id=building.id)
    mass = figures["mass_kg"]
    families = [
        compact(
            {
                "type": ["Material"],
                "name": row["family"],
                "materialFamily": row["family"],
                "massFraction": ratio(row["mass_kg"] / mass) if mass else None,
                "mass": measure(row["mass_kg"], KILOGRAM),
                "embodiedCarbon": measure(row["carbon_a1a3_kg"], KILOGRAM),
                "hazardous": False,
            }
        )
        for row in figures["mass_by_family"]
    ]
    links = [
        link(
            public_path_url(f"/api/v1/components/{cid}/dpp.json"),
            f"{name} ({tag})",
            LINK_TYPES + "dpp",
        )
        for cid, tag, name in components
    ]
    product = {
        "type": ["Product"],
        "id": page,
        "name": building.name,
        "registeredId": str(building.id),
        "furtherInformation": [link(page, "Building passport", GS1_LINK_TYPES + "pip"), *links],
        "characteristics": compact(
            {
                "type": ["Characteristics"],
                "address": building.address,
                "city": building.city,
                "country": building.country,
                "yearBuilt": building.year_built,
                "grossFloorArea": measure(building.gross_floor_area_m2, "MTK")
                if building.gross_floor_area_m2
                else None,
                "useType": building.use_type,
                "status": building.status,
                "plannedDate": building.planned_date.isoformat() if building.planned_date else None,
                "componentCount": figures["component_count"],
                "componentsWithoutMass": figures["components_without_mass"],
                "mass": measure(mass, KILOGRAM),
            }
        ),
    }
    subject = compact(
        {
            "type": ["ProductPassport"],
            "id": page,
            "product": product,
            "granularityLevel": "item",
            "materialsProvenance": families,
            "circularityScorecard": compact(
                {
                    "type": ["CircularityPerformance"],
                    "materialCircularityIndicator": ratio(figures["mci"]),
                    "disassemblyScore": ratio(figures["disassembly_score"]),
                    "dataCompleteness": {
                        k: ratio(v) if isinstance(v, float) else v
                        for k, v in figures["completeness"].items()
                        if v is not None
                    },
                }
            ),
            "emissionsScorecard": _emissions(figures["carbon_a1a3_kg"], mass),
        }
    )
    credential_id = public_path_url(f"/api/v1/buildings/{building.id}/dpp.json")
    return _envelope(credential_id, subject, timestamp(None))
