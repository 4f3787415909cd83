"""The UNTP Digital Product Passport of a building: the building as the product, its
materials by family, its MCI, disassembly score and A1-A3 carbon as
`passports.metrics.queries.building_figures` gives them, and a link to each live component's
credential."""

from app.urls import external_url
from app.urls import public_path_url
from passports.untp.credential import envelope
from passports.untp.sections import emissions
from passports.untp.vocabulary import GS1_LINK_TYPES
from passports.untp.vocabulary import KILOGRAM
from passports.untp.vocabulary import LINK_TYPES
from passports.untp.vocabulary import compact
from passports.untp.vocabulary import link
from passports.untp.vocabulary import measure
from passports.untp.vocabulary import ratio
from passports.untp.vocabulary import timestamp


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
            "emissionsScorecard": emissions(figures["carbon_a1a3_kg"], mass),
        }
    )
    credential_id = public_path_url(f"/api/v1/buildings/{building.id}/dpp.json")
    return envelope(credential_id, subject, timestamp(None))
