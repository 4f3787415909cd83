"""The parts of a UNTP passport made from a component: its identifiers, dimensions,
materials with their mass shares, hazards as hazardous materials and safety claims, and the
circularity and emissions scorecards. Every figure is the app's own (see `credential`)."""

from passports.gs1 import digital_link_uri
from passports.gs1 import giai
from passports.mass import Part
from passports.mass import split_by_material
from passports.qr import tag_url
from passports.untp.vocabulary import GS1_LINK_TYPES
from passports.untp.vocabulary import KILOGRAM
from passports.untp.vocabulary import MILLIMETRE
from passports.untp.vocabulary import compact
from passports.untp.vocabulary import link
from passports.untp.vocabulary import measure
from passports.untp.vocabulary import ratio

HAZARD_NAMES = {
    "asbestos": "Asbestos",
    "pcb": "PCB",
    "lead": "Lead",
    "other": "Other hazardous substance",
}
EN_15978 = {
    "type": ["Standard"],
    "name": "EN 15978:2011, modules A1-A3; factors from the ICE database v2 unless the material "
    "library cites another source",
    "issuingParty": {"id": "https://www.cencenelec.eu/", "name": "CEN"},
}
IFC_CLASSES = "https://identifier.buildingsmart.org/uri/buildingsmart/ifc/4.3/class/"


def hazard(component, position: int, hazard: dict, view: str) -> tuple[dict, dict]:
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


def mass_shares(component) -> list[float | None]:
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


def materials(component) -> list[dict]:
    out = []
    for cm, share in zip(component.materials, mass_shares(component), strict=True):
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


def identifiers(component, view: str) -> dict:
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


def dimensions(component) -> dict | None:
    values = {
        "weight": measure(component.unit_mass_kg, KILOGRAM) if component.unit_mass_kg else None,
        "length": measure(component.length_mm, MILLIMETRE) if component.length_mm else None,
        "width": measure(component.width_mm, MILLIMETRE) if component.width_mm else None,
        "height": measure(component.height_mm, MILLIMETRE) if component.height_mm else None,
    }
    values = compact(values)
    return {"type": ["Dimension"], **values} if values else None


def hazard_records(component, view: str, public: dict | None) -> list[dict]:
    """The hazards a view shows: the public ones as the tag page gives them, else the rows."""
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


def circularity(component, metrics) -> dict:
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


def emissions(carbon_kg: float | None, mass_kg: float | None) -> dict | None:
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
