"""UNTP Digital Product Passports: every credential validates against UNTP's own JSON Schema
(the demo world, components without materials or mass, hazards, GTINs, events of every kind,
buildings), its figures are the app's, and each caller gets the view their access allows."""

import hashlib
import json

import pytest
from sqlalchemy import select

from app.models import utcnow
from passports import services
from passports.metrics.queries import building_figures
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models.vocab import ALL_EVENT_KINDS
from passports.permissions import is_offered
from tests.passports.untp_support import dpp_validator
from tests.passports.untp_support import dte_validator
from tests.passports.untp_support import errors


@pytest.fixture
def dpp():
    return dpp_validator()


@pytest.fixture
def dte():
    return dte_validator()


@pytest.fixture
def owner_site(db, make_user, make_building, token_for):
    owner = make_user("owner")
    building = make_building(owner)
    return owner, building, token_for(owner)


def _get(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response


def test_every_credential_of_the_demo_world_validates(
    client, runner, db, dpp, dte, make_user, token_for
):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["exchange", "demo"]).exit_code == 0
    headers = token_for(make_user("admin"))
    components = db.session.scalars(select(Component)).all()
    assert len(components) > 20
    kinds = set()
    for component in components:
        full = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
        assert errors(dpp, full) == [], component.tag
        events = _get(client, f"/api/v1/components/{component.id}/events.json", headers).json
        assert errors(dte, events) == [], component.tag
        kinds.update(e["type"][0] for e in events["credentialSubject"])
        public = _get(client, f"/t/{component.tag}/dpp.json").json
        assert errors(dpp, public) == [], component.tag
    assert "ObjectEvent" in kinds
    for building_id in db.session.scalars(select(Building.id)):
        credential = _get(client, f"/api/v1/buildings/{building_id}/dpp.json", headers).json
        assert errors(dpp, credential) == []


def test_a_component_without_materials_or_mass_still_validates(
    client, dpp, owner_site, make_component
):
    _owner, building, headers = owner_site
    component = make_component(building, materials=[], quantity=3, unit="pcs")
    assert component.mass_kg is None
    credential = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
    assert errors(dpp, credential) == []
    subject = credential["credentialSubject"]
    assert "emissionsScorecard" not in subject  # unknown carbon is left out, never zero
    assert "materialsProvenance" not in subject
    assert subject["circularityScorecard"]["metricsQuality"] == "none"
    assert subject["granularityLevel"] == "batch"


def test_figures_are_the_apps_own(client, db, dpp, owner_site, make_component, material_id):
    _owner, building, headers = owner_site
    component = make_component(
        building,
        quantity=2.0,
        unit="m3",
        materials=[
            {"material_id": material_id("common-clay-brick"), "fraction": 0.8},
            {"material_id": material_id("cement-mortar"), "fraction": 0.2},
        ],
        recycled_content=0.25,
    )
    credential = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
    assert errors(dpp, credential) == []
    # The schema's formats are checked: a relative id or a date without a zone is refused.
    assert errors(dpp, {**credential, "id": "dpp.json"})
    assert errors(dpp, {**credential, "validFrom": "2026-01-01T00:00:00"})
    subject = credential["credentialSubject"]
    circularity = subject["circularityScorecard"]
    assert circularity["materialCircularityIndicator"] == pytest.approx(component.mci, abs=1e-6)
    assert circularity["disassemblyScore"] == pytest.approx(component.disassembly_score, abs=1e-6)
    assert circularity["recycledContent"] == 0.25
    emissions = subject["emissionsScorecard"]
    assert emissions["totalCarbonFootprint"]["value"] == pytest.approx(component.carbon_a1a3_kg)
    assert emissions["carbonFootprint"] == pytest.approx(
        component.carbon_a1a3_kg / component.mass_kg, abs=1e-6
    )
    materials = subject["materialsProvenance"]
    assert [m["name"] for m in materials] == [cm.material.name for cm in component.materials]
    assert sum(m["massFraction"] for m in materials) == pytest.approx(1.0, abs=1e-5)
    for entry, cm in zip(materials, component.materials, strict=True):
        assert entry["mass"]["value"] == pytest.approx(cm.mass_kg, abs=1e-5)
        assert entry["massFraction"] == pytest.approx(cm.mass_kg / component.mass_kg, abs=1e-5)
        assert entry["recycledMassFraction"] == 0.25

    figures = building_figures(building.id)
    whole = _get(client, f"/api/v1/buildings/{building.id}/dpp.json", headers).json
    assert errors(dpp, whole) == []
    scorecard = whole["credentialSubject"]["circularityScorecard"]
    assert scorecard["materialCircularityIndicator"] == pytest.approx(figures["mci"], abs=1e-6)
    links = [
        link["linkURL"] for link in whole["credentialSubject"]["product"]["furtherInformation"]
    ]
    assert f"https://mpx.test/api/v1/components/{component.id}/dpp.json" in links


def test_gtin_and_serial_name_the_product_and_stay_out_of_the_public_credential(
    client, dpp, owner_site, make_component
):
    _owner, building, headers = owner_site
    component = make_component(building, gtin="8712345000011", serial_number="SN 7")
    full = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
    assert errors(dpp, full) == []
    product = full["credentialSubject"]["product"]
    assert product["id"] == "https://mpx.test/01/08712345000011/21/SN%207"
    assert product["serialNumber"] == "SN 7"
    assert product["characteristics"]["gtin"] == "08712345000011"
    assert product["characteristics"]["tagUri"] == f"https://mpx.test/t/{component.tag}"
    public = _get(client, f"/t/{component.tag}/dpp.json").json
    assert errors(dpp, public) == []
    assert public["credentialSubject"]["product"]["id"].startswith("https://mpx.test/8004/")
    assert "08712345000011" not in json.dumps(public)


def test_hazards_and_their_clearances(
    client, db, dpp, owner_site, make_component, make_user, token_for
):
    owner, building, headers = owner_site
    component = make_component(
        building,
        hazards=[
            {"kind": "asbestos", "notes": "Behind the boiler in room 0.12"},
            {"kind": "lead", "notes": "Paint layer"},
        ],
        ifc_guid="2O2Fr$t4X7Zf8NOew3FLOH",
        ifc_class="IfcWall",
    )
    services.clear_hazard(component.hazards[0], owner, "Removal certificate 2026-114")
    db.session.commit()
    full = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
    assert errors(dpp, full) == []
    subject = full["credentialSubject"]
    hazardous = [m for m in subject["materialsProvenance"] if m["hazardous"]]
    assert [(m["hazardKind"], m["cleared"]) for m in hazardous] == [
        ("asbestos", True),
        ("lead", False),
    ]
    claims = subject["conformityClaim"]
    assert [(c["conformityTopic"], c["conformance"]) for c in claims] == [
        ("social.safety", True),
        ("social.safety", False),
    ]
    assert claims[0]["clearanceNote"] == "Removal certificate 2026-114"
    assert claims[0]["hazardNotes"] == "Behind the boiler in room 0.12"
    assert "assessmentDate" in claims[0] and "assessmentDate" not in claims[1]
    assert subject["product"]["characteristics"]["ifcGuid"] == "2O2Fr$t4X7Zf8NOew3FLOH"
    assert subject["product"]["productCategory"][0]["code"] == "IfcWall"

    public = _get(client, f"/t/{component.tag}/dpp.json").json
    assert errors(dpp, public) == []
    text = json.dumps(public)
    for private in ("boiler", "Paint layer", "Removal certificate", "storey", "circularity"):
        assert private not in text
    assert [c["conformance"] for c in public["credentialSubject"]["conformityClaim"]] == [
        True,
        False,
    ]


def test_events_of_every_kind_are_untp_traceability_events(
    client, db, dpp, dte, owner_site, make_component, make_building
):
    owner, building, headers = owner_site
    destination = make_building(owner, name="Depot")
    component = make_component(building)
    for n, kind in enumerate(ALL_EVENT_KINDS):
        db.session.add(
            ComponentEvent(
                component_id=component.id,
                kind=kind,
                occurred_at=utcnow(),
                user_id=owner.id,
                organisation_id=owner.organisation_id,
                status_before="installed",
                status_after="installed",
                notes=f"private note {n}",
                building_id=destination.id if kind in ("transferred", "reinstalled") else None,
                disposal_route="recycled" if kind == "disposed" else None,
            )
        )
    db.session.commit()
    response = _get(client, f"/api/v1/components/{component.id}/events.json", headers)
    events = response.json
    assert errors(dte, events) == []
    by_process = {e["processType"]: e for e in events["credentialSubject"]}
    assert len(by_process) == len(ALL_EVENT_KINDS)
    assert by_process["Dismantling"]["type"] == ["TransformationEvent", "Event"]
    transfer = by_process["Transfer of custody"]
    assert transfer["type"] == ["TransactionEvent", "Event"]
    assert transfer["destinationParty"] == owner.organisation.name
    assert by_process["Disposal"]["action"] == "delete"
    assert by_process["Inspection"]["bizStep"] == "https://ref.gs1.org/cbv/BizStep-inspecting"
    assert "private note" not in response.get_data(as_text=True)

    credential = _get(client, f"/api/v1/components/{component.id}/dpp.json", headers).json
    assert errors(dpp, credential) == []
    (trace,) = credential["credentialSubject"]["traceabilityInformation"]
    (link,) = trace["traceabilityEvent"]
    assert link["linkURL"] == f"https://mpx.test/api/v1/components/{component.id}/events.json"
    # The digest is of the events credential exactly as served.
    assert link["hashDigest"] == hashlib.sha256(response.get_data()).hexdigest()


def test_who_gets_which_credential(
    client, db, runner, make_user, token_for, make_building, make_component
):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["exchange", "demo"]).exit_code == 0
    offered = next(c for c in db.session.scalars(select(Component)) if is_offered(c))
    private = next(c for c in db.session.scalars(select(Component)) if not is_offered(c))
    stranger = token_for(make_user("buyer"))
    admin = token_for(make_user("admin"))

    for url in (
        f"/api/v1/components/{private.id}/dpp.json",
        f"/api/v1/components/{private.id}/dpp.jwt",
        f"/api/v1/components/{private.id}/events.json",
        f"/api/v1/buildings/{private.building_id}/dpp.json",
        f"/api/v1/buildings/{private.building_id}/dpp.jwt",
    ):
        assert client.get(url).status_code == 401, url
        assert client.get(url, headers=stranger).status_code == 404, url
    assert client.get("/api/v1/components/999999/dpp.json", headers=admin).status_code == 404

    reduced = _get(client, f"/api/v1/components/{offered.id}/dpp.json", stranger).json
    full = _get(client, f"/api/v1/components/{offered.id}/dpp.json", admin).json
    for key in ("hazardNotes", "clearanceNote"):
        assert key not in json.dumps(reduced)
    assert reduced["credentialSubject"]["product"] == full["credentialSubject"]["product"]
    assert "circularityScorecard" in reduced["credentialSubject"]
    assert (
        client.get(
            f"/api/v1/buildings/{offered.building_id}/dpp.json", headers=stranger
        ).status_code
        == 404
    )

    public = _get(client, f"/t/{private.tag.lower()}/dpp.json").json
    assert public["id"] == f"https://mpx.test/t/{private.tag}/dpp.json"
    subject = public["credentialSubject"]
    assert set(subject) <= {"type", "id", "product", "materialsProvenance", "conformityClaim"}
    assert set(subject["product"]["characteristics"]) <= {
        "type",
        "tag",
        "tagUri",
        "giai",
        "status",
        "city",
        "materialFamily",
    }
    missing = client.get("/t/NOSUCHTAG000/dpp.json")
    assert missing.status_code == 404 and missing.json["code"] == 404


def test_a_building_without_components_validates_and_knows_no_figures(
    client, dpp, owner_site, make_building
):
    owner, _building, headers = owner_site
    empty = make_building(owner, name="Empty lot")
    credential = _get(client, f"/api/v1/buildings/{empty.id}/dpp.json", headers).json
    assert errors(dpp, credential) == []
    subject = credential["credentialSubject"]
    assert subject["product"]["name"] == "Empty lot"
    assert "emissionsScorecard" not in subject
    assert "materialCircularityIndicator" not in subject["circularityScorecard"]
    signed = client.get(f"/api/v1/buildings/{empty.id}/dpp.jwt", headers=headers)
    assert signed.mimetype == "application/vc+jwt"
