"""The public contract of the API: one envelope for every list, one name for the exchange, and
statuses that say what the document cannot (a name that does not exist, a state that refuses)."""

import pytest

from app.pagination import API_MAX_PER_PAGE
from app.schema_fields import MAX_ID


def _list_operations(spec: dict) -> list[str]:
    """Every GET of the document whose answer is a page of items."""
    found = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        schema = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = schema.get("schema", {}).get("$ref", "")
        if ref.endswith("Page") or ref.endswith("/Search"):
            found.append(path)
    return found


def test_every_list_takes_page_and_per_page_and_answers_the_envelope(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    lists = _list_operations(spec)
    # buildings, components, grants, materials, events, snapshots, imports, mappings, tokens,
    # listings (search) and a building's listings, reservations (mine and a listing's), saved
    # searches, the inbox, cities and the audit log; bundles; wanted requests, their matches
    # and offers; the building register
    assert len(lists) == 22, lists
    for path in lists:
        parameters = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        assert parameters["page"]["schema"]["minimum"] == 1, path
        assert parameters["per_page"]["schema"] == {
            "type": "integer",
            "default": 20,
            "minimum": 1,
            "maximum": API_MAX_PER_PAGE,
        }, path
        assert "page_size" not in parameters, path
        envelope = spec["components"]["schemas"][
            spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
                "$ref"
            ].rsplit("/", 1)[1]
        ]
        assert {"items", "total", "page", "per_page"} <= set(envelope["properties"]), path


@pytest.fixture
def world(client, make_user, make_building, make_component, token_for):
    """An owner with a building and a wall, and the owner's API headers."""
    owner = make_user("owner")
    building = make_building(owner)
    wall = make_component(building, hazards=[{"kind": "asbestos"}])
    return client, token_for(owner), building, wall


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/buildings",
        "/api/v1/buildings/{building}/components",
        "/api/v1/buildings/{building}/grants",
        "/api/v1/components/{wall}/events",
        "/api/v1/materials",
        "/api/v1/listings",
        "/api/v1/reservations",
        "/api/v1/saved-searches",
        "/api/v1/notifications",
        "/api/v1/auth/tokens",
        "/api/v1/dashboard/cities",
        "/api/v1/material-mappings",
    ],
)
def test_a_list_answers_the_envelope_and_refuses_what_it_does_not_know(world, path):
    client, headers, building, wall = world
    url = path.format(building=building.id, wall=wall.id)
    page = client.get(f"{url}?per_page=1", headers=headers)
    assert page.status_code == 200, page.get_json()
    body = page.get_json()
    assert {"items", "total", "page", "per_page"} <= set(body)
    assert body["page"] == 1 and body["per_page"] == 1 and len(body["items"]) <= 1
    assert "X-Pagination" not in page.headers
    for bad, name in (
        ("page_size=5", "page_size"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
    ):
        refused = client.get(f"{url}?{bad}", headers=headers)
        assert refused.status_code == 422, (bad, refused.get_json())
        assert name in refused.get_json()["errors"]["query"]


def test_the_grants_and_the_cities_are_paginated_too(world, make_org):
    client, headers, building, _ = world
    for _ in range(3):
        granted = client.post(
            f"/api/v1/buildings/{building.id}/grants",
            json={"organisation_id": make_org("contractor").id},
            headers=headers,
        )
        assert granted.status_code == 201
    second = client.get(
        f"/api/v1/buildings/{building.id}/grants?page=2&per_page=2", headers=headers
    ).get_json()
    assert second["total"] == 3 and len(second["items"]) == 1


def test_the_last_page_the_document_allows_is_empty(world):
    client, headers, _, _ = world
    last = client.get(f"/api/v1/materials?page={MAX_ID}&per_page=100", headers=headers)
    assert last.status_code == 200 and last.get_json()["items"] == []


def test_a_number_too_small_to_mean_anything_is_zero_and_above_zero_starts_at_1e9(world):
    client, headers, _, wall = world
    shares = client.patch(
        f"/api/v1/components/{wall.id}", json={"recycled_content": 5e-324}, headers=headers
    )
    assert shares.status_code == 200 and shares.get_json()["recycled_content"] == 0
    tiny = client.patch(f"/api/v1/components/{wall.id}", json={"quantity": 5e-324}, headers=headers)
    assert tiny.status_code == 422 and "quantity" in tiny.get_json()["errors"]["json"]
    smallest = client.patch(
        f"/api/v1/components/{wall.id}", json={"quantity": 1e-9}, headers=headers
    )
    assert smallest.status_code == 200


def test_granting_the_owner_is_a_conflict_and_an_unknown_organisation_is_not_found(world):
    client, headers, building, _ = world
    url = f"/api/v1/buildings/{building.id}/grants"
    owner = client.post(url, json={"organisation_id": building.organisation_id}, headers=headers)
    assert owner.status_code == 409 and "organisation_id" in owner.get_json()["errors"]
    unknown = client.post(url, json={"organisation_id": MAX_ID}, headers=headers)
    assert unknown.status_code == 404 and "organisation_id" in unknown.get_json()["errors"]


def test_a_second_clearance_is_a_conflict(world):
    client, headers, _, wall = world
    url = f"/api/v1/components/{wall.id}/hazards/{wall.hazards[0].id}/clearance"
    assert client.post(url, json={"note": "Survey 2024-17"}, headers=headers).status_code == 201
    again = client.post(url, json={"note": "Survey 2024-18"}, headers=headers)
    assert again.status_code == 409 and "note" in again.get_json()["errors"]


def test_a_mapping_to_a_material_that_does_not_exist_is_not_found(world):
    client, headers, _, _ = world
    created = client.post(
        "/api/v1/material-mappings",
        json={"source_name": "baksteen", "material_id": MAX_ID},
        headers=headers,
    )
    assert created.status_code == 404 and "material_id" in created.get_json()["errors"]


def test_a_component_of_materials_that_do_not_exist_is_not_found(world):
    client, headers, _, wall = world
    edited = client.patch(
        f"/api/v1/components/{wall.id}",
        json={"materials": [{"material_id": MAX_ID, "fraction": 1.0}]},
        headers=headers,
    )
    assert edited.status_code == 404 and "materials" in edited.get_json()["errors"]


def test_ownership_is_not_an_editable_field_of_a_building(world):
    client, headers, building, _ = world
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "organisation_id" not in spec["components"]["schemas"]["BuildingUpdate"]["properties"]
    edited = client.patch(
        f"/api/v1/buildings/{building.id}", json={"organisation_id": 1}, headers=headers
    )
    assert edited.status_code == 422 and "organisation_id" in edited.get_json()["errors"]["json"]


def test_the_exchange_is_one_word_in_urls_endpoints_and_the_cli(app, runner):
    with app.test_request_context():
        from flask import url_for

        assert url_for("exchange.search") == "/exchange"
        assert url_for("exchange.reservation_list") == "/exchange/reservations"
    assert "marketplace" not in app.blueprints
    assert {"exchange", "exchange_api", "exchange_alerts_api"} <= set(app.blueprints)
    result = runner.invoke(args=["exchange", "--help"])
    assert result.exit_code == 0 and "expire" in result.output


# ------------------------------------------ the document says what validation enforces
def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_a_clearance_note_of_spaces_is_refused_and_the_document_says_so(world):
    client, headers, _, wall = world
    pattern = _spec(client)["components"]["schemas"]["Clearance"]["properties"]["note"]["pattern"]
    assert "\\S" in pattern
    hazard = wall.hazards[0].id
    url = f"/api/v1/components/{wall.id}/hazards/{hazard}/clearance"
    refused = client.post(url, json={"note": "     "}, headers=headers)
    assert refused.status_code == 422 and "note" in refused.get_json()["errors"]["json"]


def test_input_texts_say_they_hold_no_nul(client):
    building = _spec(client)["components"]["schemas"]["BuildingCreate"]["properties"]
    assert building["name"]["pattern"] == "^[^\\x00]*$"


def test_coordinates_come_together_in_the_document_and_the_api(world):
    client, headers, _, _ = world
    rules = _spec(client)["components"]["schemas"]["BuildingCreate"]["anyOf"]
    assert rules[0]["required"] == ["latitude", "longitude"]
    half = client.post(
        "/api/v1/buildings",
        json={"name": "Hall", "latitude": 52.0, "longitude": None},
        headers=headers,
    )
    assert half.status_code == 422 and "latitude" in half.get_json()["errors"]["json"]


def test_the_search_is_one_exploded_object_parameter_with_its_rules(world):
    client, headers, _, _ = world
    parameters = _spec(client)["paths"]["/api/v1/listings"]["get"]["parameters"]
    search = next(p for p in parameters if p["name"] == "search")
    assert (search["in"], search["style"], search["explode"]) == ("query", "form", True)
    query = _spec(client)["components"]["schemas"]["ListingQueryArgs"]
    assert query["anyOf"][0] == {"required": ["lat", "lon"]}
    # The URL is the same as ever: lat and lon as arguments of their own.
    assert client.get("/api/v1/listings?lat=52&lon=6", headers=headers).status_code == 200
    assert client.get("/api/v1/listings?lat=52", headers=headers).status_code == 422


def test_an_event_form_may_send_null_for_a_number(world):
    client, headers, _, wall = world
    response = client.post(
        f"/api/v1/components/{wall.id}/events",
        data={"kind": "note", "distance_km": "null", "latitude": "null", "longitude": "null"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["distance_km"] is None


def test_each_event_kind_states_its_required_fields(client):
    rules = _spec(client)["components"]["schemas"]["EventCreate"]["allOf"]
    stored = next(
        r for r in rules if r["anyOf"][0]["properties"]["kind"]["not"]["enum"] == ["stored"]
    )
    assert stored["anyOf"][1]["required"] == ["location"]


def test_a_lifecycle_step_the_stored_status_refuses_is_a_409(world):
    client, headers, _, wall = world
    response = client.patch(
        f"/api/v1/components/{wall.id}", json={"status": "listed"}, headers=headers
    )
    assert response.status_code == 409 and "status" in response.get_json()["errors"]


def test_the_passport_import_documents_the_passport_schema(client):
    body = _spec(client)["paths"]["/api/v1/passports/import"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["properties"]["schema_version"] == {"enum": ["1.0"]}
    assert "$defs" not in str(schema) and "$ref" not in str(schema)


def test_an_import_declares_its_media_types(client):
    upload = _spec(client)["paths"]["/api/v1/buildings/{building_id}/imports"]["post"]
    encoding = upload["requestBody"]["content"]["multipart/form-data"]["encoding"]
    assert "text/csv" in encoding["file"]["contentType"]
    assert "415" in upload["responses"]


# What each output schema of a stored object shows: a new column is published only when
# it is added here too, on purpose (passwords, token hashes, search vectors never).
SHOWN = {
    "BundlePartSchema": (
        "bundle_id buyer buyer_organisation co2_avoided_kg collected_at created_at decided_at "
        "destination_building_id distance_km id listing_id listing_title message "
        "moved_components needed_by quantity replaceable replaces_id seller status unit"
    ),
    "BundleSchema": (
        "buyer buyer_organisation created_at destination_building_id id latitude longitude "
        "message needed_by parts quantity sellers unit wanted_request_id"
    ),
    "BuildingSchema": (
        "address archived city country created_at gross_floor_area_m2 id latitude longitude "
        "name organisation organisation_id planned_date register_id status updated_at use_type "
        "year_built"
    ),
    "ComponentSchema": (
        "accessibility allowed_next archived building_id category condition condition_label "
        "connection_type created_at data_complete depth_mm description edge_enclosure "
        "eol_recycle_fraction eol_reuse_fraction external_id gs1_digital_link gtin hazards "
        "height_mm id "
        "ifc_class ifc_guid import_source install_year intersections length_mm manufacturer "
        "mass_derivation mass_kg mass_source materials metrics name origin_tag_url quantity "
        "recycled_content reuse_cycles reused_content serial_number service_life_years status "
        "storey tag tag_display tag_url unit unit_mass_kg updated_at volume_m3 width_mm"
    ),
    "EventPhotoSchema": ("content_type height id url width"),
    "EventSchema": (
        "building_id component_id condition disposal_route distance_km from_location id "
        "imported kind latitude location longitude notes occurred_at organisation photos "
        "recorded_at status_after status_before to_location user"
    ),
    "GrantSchema": ("created_at expires_on id organisation organisation_id revoked"),
    "ImportRunListSchema": (
        "building_id created_at created_count filename id kind model_url sha256 "
        "unchanged_count updated_count user_id"
    ),
    "ImportRunSchema": (
        "building_id created_at created_count filename id kind model_url report sha256 "
        "unchanged_count updated_count user_id"
    ),
    "ListingSchema": (
        "available_from available_until category city co2_avoided_kg condition cpv_code "
        "cpv_label depth_mm description evidence future_stock height_mm id length_mm "
        "manufacturer mass_kg material_family materials pickup_address pickup_latitude "
        "pickup_longitude price_basis price_eur published_at quantity quantity_available "
        "seller status title unit unit_mass_kg url wanted_request_id width_mm"
    ),
    "MappingSchema": (
        "created_at id material_id material_name organisation_id source_name updated_at"
    ),
    "MaterialSchema": (
        "aliases carbon_a1a3 carbon_source cpv_code cpv_label density_kg_m3 family id name "
        "names reference_service_life_years reprocessing_kgco2e_per_kg reprocessing_source slug"
    ),
    "MaterialShareOutSchema": ("family fraction mass_kg material_id name"),
    "MovedComponentSchema": ("component_id quantity tag"),
    "NotificationSchema": (
        "building_id bundle_id created_at emailed_at id kind listing_id listing_url message "
        "params read_at reservation_id saved_search_id url wanted_request_id"
    ),
    "ReservationSchema": (
        "bundle_id buyer buyer_organisation co2_avoided_kg collected_at created_at decided_at "
        "destination_building_id distance_km id listing_id listing_title message "
        "moved_components needed_by quantity replaces_id seller status unit"
    ),
    "SavedSearchSchema": ("created_at id name params url"),
    "SearchResultSchema": (
        "available_from available_until category city co2_avoided_here_kg co2_avoided_kg "
        "condition cpv_code cpv_label depth_mm description distance_km evidence future_stock "
        "height_mm id length_mm manufacturer mass_kg material_family materials pickup_address "
        "pickup_latitude pickup_longitude price_basis price_eur provenance published_at "
        "quantity quantity_available relevance seller status title unit unit_mass_kg url "
        "wanted_request_id width_mm"
    ),
    "SnapshotDetailSchema": (
        "building_id component_count created_at created_by document id label mci note "
        "schema_version total_mass_kg"
    ),
    "SnapshotSchema": (
        "building_id component_count created_at created_by id label mci note schema_version "
        "total_mass_kg"
    ),
    "TokenSchema": ("active created_at expires_at id name prefix revoked_at"),
    "UserSchema": ("email id name organisation organisation_id role"),
    "WantedRequestSchema": (
        "closed_at condition_min cpv_prefix created_at depth_mm description height_mm id "
        "latitude length_mm location longitude material_family max_price_eur needed_by "
        "organisation_id organisation_name quantity radius_km status title tolerance_mm unit "
        "width_mm"
    ),
}
# The reduced passport of an offered component shows the same fields (its hazards without notes).
SHOWN["OfferedComponentSchema"] = SHOWN["ComponentSchema"]
# The building register (mine): every column but created_at.
SHOWN["RegisterBuildingSchema"] = (
    "address building_id city country estimated_carbon_kg estimated_mass_kg floor_area_m2 "
    "footprint_m2 gross_floor_area_m2 id imported_at intensity_key latitude longitude "
    "organisation_id planned_demolition register_id storeys structure updated_at use_type "
    "year_built"
)


def _model_schemas(base):
    for schema in base.__subclasses__():
        yield schema
        yield from _model_schemas(schema)


def test_each_output_schema_shows_exactly_the_fields_decided_for_it(app):
    from app.schema_fields import ModelSchema

    shown = {schema.__name__: set(schema().fields) for schema in _model_schemas(ModelSchema)}
    assert shown.keys() == SHOWN.keys()
    for name, names in SHOWN.items():
        assert shown[name] == set(names.split()), name
