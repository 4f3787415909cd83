"""Wanted requests: posting, reading, editing, withdrawing, fulfilling and expiring them through
the API and the pages; who may do what (anyone reads open requests, only the posting
organisation manages them); bad input answered 422 with field messages; the CLI's expiry."""

from datetime import date
from datetime import timedelta

import pytest

from marketplace.models import WantedRequest

DOORS = {
    "title": "20 interior doors for the Zutphen school",
    "description": "Flush doors, any colour.",
    "material_family": "timber",
    "quantity": 20,
    "unit": "pcs",
    "width_mm": 830,
    "height_mm": 2110,
    "tolerance_mm": 10,
    "condition_min": 3,
    "location": "Zutphen",
    "latitude": 52.14,
    "longitude": 6.20,
    "radius_km": 50,
}


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def posted(client, token_for, buyer):
    """Post a request through the API; returns its JSON."""

    def post(**overrides):
        body = {**DOORS, "needed_by": (date.today() + timedelta(days=90)).isoformat()}
        body.update(overrides)
        response = client.post("/api/v1/wanted", headers=token_for(buyer), json=body)
        assert response.status_code == 201, response.json
        return response.json

    return post


def test_post_and_read_shows_the_buyers_organisation(client, posted, buyer):
    wanted = posted()
    assert wanted["status"] == "open"
    assert wanted["organisation_name"] == buyer.organisation.name
    assert wanted["tolerance_mm"] == 10
    # Anyone, even without an account, reads and lists open requests.
    one = client.get(f"/api/v1/wanted/{wanted['id']}")
    assert one.status_code == 200
    assert one.json["organisation_name"] == buyer.organisation.name
    listed = client.get("/api/v1/wanted?q=doors&material_family=timber")
    assert listed.status_code == 200
    assert set(listed.json) == {"items", "total", "page", "per_page"}
    assert [w["id"] for w in listed.json["items"]] == [wanted["id"]]
    assert client.get("/api/v1/wanted?q=bricks").json["total"] == 0


def test_visitor_cannot_write(client, posted):
    wanted = posted()
    assert client.post("/api/v1/wanted", json=DOORS).status_code == 401
    assert client.patch(f"/api/v1/wanted/{wanted['id']}", json={"quantity": 3}).status_code == 401
    assert client.post(f"/api/v1/wanted/{wanted['id']}/withdraw").status_code == 401
    assert client.get(f"/api/v1/wanted/{wanted['id']}/matches").status_code == 401
    assert client.get(f"/api/v1/wanted/{wanted['id']}/offers").status_code == 401
    offer = {"building_id": 1, "component_ids": [1]}
    assert client.post(f"/api/v1/wanted/{wanted['id']}/offers", json=offer).status_code == 401


def test_another_organisation_cannot_manage(client, token_for, posted, make_user):
    wanted = posted()
    other = token_for(make_user("buyer"))
    url = f"/api/v1/wanted/{wanted['id']}"
    assert client.patch(url, headers=other, json={"quantity": 3}).status_code == 403
    assert client.post(url + "/withdraw", headers=other).status_code == 403
    assert client.post(url + "/fulfil", headers=other).status_code == 403
    assert client.get(url + "/matches", headers=other).status_code == 403


def test_contractor_cannot_post(client, token_for, make_user):
    response = client.post("/api/v1/wanted", headers=token_for(make_user("contractor")), json=DOORS)
    assert response.status_code == 403


def test_edit_withdraw_and_closed_is_private(client, token_for, posted, buyer, make_user):
    wanted = posted()
    url = f"/api/v1/wanted/{wanted['id']}"
    mine = token_for(buyer)
    edited = client.patch(url, headers=mine, json={"quantity": 12, "radius_km": 80})
    assert edited.status_code == 200, edited.json
    assert (edited.json["quantity"], edited.json["radius_km"]) == (12, 80)
    assert client.post(url + "/withdraw", headers=mine).json["status"] == "withdrawn"
    again = client.post(url + "/fulfil", headers=mine)
    assert again.status_code == 409
    # Closed: its organisation still reads it; others and visitors do not.
    assert client.get(url, headers=mine).status_code == 200
    assert client.get(url, headers=token_for(make_user("buyer"))).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/wanted").json["total"] == 0
    own = client.get("/api/v1/wanted?mine=true&status=withdrawn", headers=mine).json
    assert [w["id"] for w in own["items"]] == [wanted["id"]]


def test_fulfil(client, token_for, posted, buyer):
    wanted = posted()
    response = client.post(f"/api/v1/wanted/{wanted['id']}/fulfil", headers=token_for(buyer))
    assert response.status_code == 200
    assert response.json["status"] == "fulfilled"
    assert response.json["closed_at"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"width_mm": -830}, "width_mm"),
        ({"tolerance_mm": -1}, "tolerance_mm"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": "20"}, "quantity"),
        ({"latitude": None, "longitude": None}, "radius_km"),
        ({"needed_by": "2001-01-01"}, "needed_by"),
        ({"cpv_prefix": "44x"}, "cpv_prefix"),
        ({"cpv_prefix": "4"}, "cpv_prefix"),
        ({"unit": "bags"}, "unit"),
        ({"colour": "red"}, "colour"),
        ({"latitude": 95}, "latitude"),
    ],
)
def test_bad_input_is_422_with_field_messages(client, token_for, buyer, change, field):
    body = {**DOORS, **change}
    response = client.post("/api/v1/wanted", headers=token_for(buyer), json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"], response.json


def test_bad_list_arguments(client):
    assert client.get("/api/v1/wanted?colour=red").status_code == 422
    assert client.get("/api/v1/wanted?status=lost").status_code == 422
    assert client.get("/api/v1/wanted?per_page=500").status_code == 422


def test_radius_on_edit_without_stored_location(client, token_for, posted, buyer):
    wanted = posted(latitude=None, longitude=None, radius_km=None)
    response = client.patch(
        f"/api/v1/wanted/{wanted['id']}", headers=token_for(buyer), json={"radius_km": 20}
    )
    # The request alone is well formed; it meets the stored request, which has no location.
    assert response.status_code == 409
    assert "radius_km" in response.json["errors"]


def test_expire_command(runner, db, posted):
    wanted = posted()
    row = db.session.get(WantedRequest, wanted["id"])
    row.needed_by = date.today() - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["exchange", "wanted-expire"])
    assert result.exit_code == 0, result.output
    assert "Expired 1 wanted request" in result.output
    db.session.expire_all()
    assert db.session.get(WantedRequest, wanted["id"]).status == "expired"


# ------------------------------------------------------------------ pages
def test_pages_anyone_browses_and_reads(client, posted, buyer):
    wanted = posted()
    listed = client.get("/exchange/wanted?q=doors")
    assert listed.status_code == 200
    page = listed.get_data(as_text=True)
    assert DOORS["title"] in page and buyer.organisation.name in page
    detail = client.get(f"/exchange/wanted/{wanted['id']}")
    assert detail.status_code == 200
    assert buyer.organisation.name in detail.get_data(as_text=True)
    # Posting and managing need an account.
    assert client.get("/exchange/wanted/new").status_code == 302
    assert client.get(f"/exchange/wanted/{wanted['id']}/edit").status_code == 302
    assert client.get("/exchange/wanted?cpv=x").status_code == 422


def test_page_post_edit_withdraw(client, db, login, buyer):
    login(buyer)
    form = {
        "title": "Yellow facade bricks",
        "material_family": "masonry",
        "quantity": "275",
        "unit": "t",
        "tolerance_mm": "10",
        "location": "Zutphen",
        "latitude": "52.14",
        "longitude": "6.20",
        "radius_km": "50",
        "needed_by": (date.today() + timedelta(days=200)).isoformat(),
    }
    response = client.submit("/exchange/wanted/new", form)
    assert response.status_code == 303, response.get_data(as_text=True)
    wanted = db.session.scalar(db.select(WantedRequest))
    assert (wanted.quantity, wanted.unit, wanted.organisation_id) == (
        275,
        "t",
        buyer.organisation_id,
    )
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 matches" in detail
    url = f"/exchange/wanted/{wanted.id}"
    # The edit form gives the date back as a date field reads it.
    assert f'value="{form["needed_by"]}"' in client.get(url + "/edit").get_data(as_text=True)
    edited = client.submit(url + "/edit", {**form, "quantity": "300"})
    assert edited.status_code == 303
    withdrawn = client.submit(url + "/withdraw", {}, page=url)
    assert withdrawn.status_code == 303
    db.session.expire_all()
    assert db.session.get(WantedRequest, wanted.id).status == "withdrawn"


def test_page_bad_input_shows_field_messages(client, login, buyer):
    login(buyer)
    response = client.submit(
        "/exchange/wanted/new",
        {
            "title": "Doors",
            "quantity": "-3",
            "unit": "pcs",
            "width_mm": "-830",
            "radius_km": "20",
            "needed_by": "2001-01-01",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for name in ("quantity", "width_mm", "radius_km", "needed_by"):
        assert f'id="{name}-error"' in page, name


def test_page_another_organisation_cannot_manage(client, login, posted, make_user):
    wanted = posted()
    login(make_user("buyer"))
    url = f"/exchange/wanted/{wanted['id']}"
    assert client.get(url).status_code == 200
    assert client.get(url + "/edit").status_code == 403
    assert client.submit(url + "/withdraw", {}, page=url).status_code == 403
    assert "Withdraw" not in client.get(url).get_data(as_text=True)


def test_contractor_may_not_post_page(client, login, make_user):
    login(make_user("contractor"))
    assert client.get("/exchange/wanted/new").status_code == 403


def test_colleagues_and_admins_manage_contractors_do_not(
    client, token_for, posted, buyer, make_user
):
    wanted = posted()
    url = f"/api/v1/wanted/{wanted['id']}"
    colleague = token_for(make_user("owner", org=buyer.organisation))
    assert client.patch(url, headers=colleague, json={"quantity": 18}).status_code == 200
    contractor = token_for(make_user("contractor", org=buyer.organisation))
    assert client.patch(url, headers=contractor, json={"quantity": 17}).status_code == 403
    admin = token_for(make_user("admin"))
    assert client.get(url + "/matches", headers=admin).status_code == 200
    assert client.post(url + "/withdraw", headers=admin).json["status"] == "withdrawn"
