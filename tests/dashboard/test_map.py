"""The map: clusters by bounding box and zoom (hand-checked counts and centroids), filters,
the switch to single features, bad input (422), who sees which layer, the popups, and the
page with every asset it loads served by the app itself."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from dashboard.map import grid
from dashboard.map.models import MapCell
from dashboard.map.queries import family_intensity
from marketplace.models import Listing
from marketplace.models import WantedRequest
from mine.models import RegisterBuilding

CLUSTERS = "/api/v1/map/clusters"
# Zoom 10 cells are 0.087890625° wide: the points below fall in two cells, (2116, 1615) and
# (2119, 1617).
AREA = "5.9,51.9,6.5,52.3"
KEY = "residential|any|any|eu"


def register(db, org, lat, lon, mass, **extra):
    row = RegisterBuilding(
        organisation_id=org.id,
        register_id=f"R{lat}{lon}{org.id}",
        address=f"Straat {mass:.0f}",
        city="Brummen",
        country="NL",
        latitude=lat,
        longitude=lon,
        use_type="residential",
        floor_area_m2=mass / 1000.0,
        intensity_key=KEY,
        estimated_mass_kg=mass,
        **extra,
    )
    db.session.add(row)
    return row


@pytest.fixture
def world(db, make_user, make_building):
    """City A's register (two cells), a passport building, a listing and a wanted request;
    city B's register on top of A's first cell."""
    owner = make_user("owner")
    other = make_user("owner")
    building = make_building(owner, latitude=52.02, longitude=6.02)
    register(db, owner.organisation, 52.01, 6.01, 1000.0)
    register(db, owner.organisation, 52.03, 6.03, 3000.0, building_id=building.id)
    register(db, owner.organisation, 52.19, 6.30, 5000.0)
    register(db, owner.organisation, 52.19, 6.31, 7000.0, planned_demolition=date(2030, 1, 1))
    register(db, other.organisation, 52.02, 6.02, 9000.0)
    lot = dict(
        organisation_id=owner.organisation_id,
        building_id=building.id,
        cpv_code="44111000",
        quantity=5.0,
        quantity_available=5.0,
        unit="m3",
        material_family="masonry",
        pickup_latitude=52.02,
        pickup_longitude=6.04,
    )
    listing = Listing(title="Reclaimed bricks", status="published", **lot)
    db.session.add(Listing(title="Draft lot", status="draft", **lot))
    need = dict(
        organisation_id=other.organisation_id,
        quantity=2.0,
        unit="m3",
        material_family="timber",
        latitude=52.18,
        longitude=6.305,
    )
    wanted = WantedRequest(title="Beams wanted", status="open", **need)
    db.session.add(WantedRequest(title="Old request", status="withdrawn", **need))
    db.session.add_all([listing, wanted])
    db.session.commit()
    return {
        "owner": owner,
        "other": other,
        "building": building,
        "listing": listing,
        "wanted": wanted,
    }


def clusters(client, headers=None, **args):
    query = "&".join(f"{k}={v}" for k, v in {"bbox": AREA, "zoom": 10, **args}.items())
    response = client.get(f"{CLUSTERS}?{query}", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_clusters_count_and_centroid_by_cell_and_follow_the_register(db, client, world, token_for):
    owner = token_for(world["owner"])
    first, second = clusters(client, owner)["clusters"]
    assert first["count"] == 4
    assert first["layers"] == {
        "register": 2,
        "surveyed": 1,
        "buildings": 1,
        "listings": 1,
        "wanted": 0,
    }
    assert first["latitude"] == pytest.approx(52.02)
    assert first["longitude"] == pytest.approx(6.025)
    assert first["mass_kg"] == pytest.approx(4000.0)
    assert second["count"] == 3
    assert second["layers"]["register"] == 2 and second["layers"]["wanted"] == 1
    assert second["latitude"] == pytest.approx((52.19 + 52.19 + 52.18) / 3)
    assert second["longitude"] == pytest.approx(6.305)
    assert second["mass_kg"] == pytest.approx(12000.0)
    # The register's cells are stored once per zoom, and follow a change of the register.
    assert (
        db.session.scalar(
            select(MapCell.building_count).where(
                MapCell.zoom == 0,
                MapCell.organisation_id == world["owner"].organisation_id,
                MapCell.demolition.is_(False),
                MapCell.surveyed.is_(False),
            )
        )
        == 2
    )
    row = db.session.scalar(select(RegisterBuilding).where(RegisterBuilding.latitude == 52.01))
    row.estimated_mass_kg = 2000.0
    db.session.commit()
    assert clusters(client, owner)["clusters"][0]["mass_kg"] == pytest.approx(5000.0)


def test_filters_and_the_switch_to_features(client, world, token_for):
    owner = token_for(world["owner"])
    planned = clusters(client, owner, layers="register", status="demolition_planned")["clusters"]
    assert [(c["count"], c["mass_kg"]) for c in planned] == [(1, 7000.0)]
    by_family = clusters(client, owner, family="masonry")["clusters"]
    per_m2 = family_intensity(KEY, "masonry")
    assert per_m2 > 0
    assert by_family[0]["mass_kg"] == pytest.approx((1000.0 + 3000.0) / 1000.0 * per_m2)
    assert by_family[0]["layers"]["listings"] == 1 and by_family[1]["layers"]["wanted"] == 0
    assert clusters(client, owner, layers="listings,wanted", family="steel")["clusters"] == []
    near = clusters(client, owner, bbox="5.99,52.0,6.05,52.035", zoom=16)
    assert near["mode"] == "features"
    kinds = sorted((f["kind"], f["surveyed"]) for f in near["features"])
    assert kinds == [
        ("buildings", True),
        ("listings", False),
        ("register", False),
        ("register", True),
    ]


@pytest.mark.parametrize(
    "args, field",
    [
        ({"bbox": "6.5,51.9,5.9,52.3"}, "bbox"),  # inverted
        ({"bbox": "-180,-80,180,80", "zoom": 12}, "bbox"),  # too large for the zoom
        ({"bbox": "1,2,3"}, "bbox"),
        ({"zoom": 25}, "zoom"),
        ({"zoom": "x"}, "zoom"),
        ({"layers": "mines"}, "layers"),
        ({"family": "gold"}, "family"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_arguments_are_422_with_field_messages(client, args, field):
    query = "&".join(f"{k}={v}" for k, v in {"bbox": AREA, "zoom": 10, **args}.items())
    response = client.get(f"{CLUSTERS}?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]
    assert grid.tiles_spanned(5.9, 51.9, 6.5, 52.3, 10) < 256


def test_each_sees_their_own_register_and_the_public_exchange(client, world, token_for, make_user):
    visitor = clusters(client)["clusters"]
    assert [c["layers"]["register"] + c["layers"]["buildings"] for c in visitor] == [0, 0]
    assert [c["layers"]["listings"] + c["layers"]["wanted"] for c in visitor] == [1, 1]
    other = clusters(client, token_for(world["other"]))["clusters"]
    assert other[0]["layers"]["register"] == 1 and other[0]["mass_kg"] == 9000.0
    admin = clusters(client, token_for(make_user("admin")))["clusters"]
    assert admin[0]["layers"]["register"] == 3 and admin[0]["mass_kg"] == 13000.0
    # Popups: the register is its city's; the exchange is everyone's.
    rid = clusters(client, token_for(world["owner"]), bbox="6.0,52.0,6.02,52.02", zoom=16)
    register_id = next(f["id"] for f in rid["features"] if f["kind"] == "register")
    assert client.get(f"/map/popup/register/{register_id}").status_code == 404
    listing = client.get(f"/map/popup/listings/{world['listing'].id}")
    assert listing.status_code == 200 and "Reclaimed bricks" in listing.get_data(as_text=True)
    assert client.get(f"/map/popup/buildings/{world['building'].id}").status_code == 404


def test_pages_show_the_map_with_every_asset_served_here(client, world, login):
    login(world["owner"])
    for path in ("/map", "/exchange", "/dashboard/cities/Brummen"):
        html = client.get(path).get_data(as_text=True)
        assert "data-map" in html, path
    html = client.get("/map").get_data(as_text=True)
    assets = re.findall(r'(?:src|href|data-basemap-url)="(/static/[^"]+)"', html)
    assert any("leaflet.js" in a for a in assets) and any("basemap" in a for a in assets)
    assert any("markercluster" in a for a in assets) and any("map.js" in a for a in assets)
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200, asset
    assert "https://" not in " ".join(re.findall(r"<(?:script|link)[^>]+>", html))
