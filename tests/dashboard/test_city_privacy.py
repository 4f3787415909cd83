"""City dashboards never disclose one owner's buildings: a city's aggregates are shown only
where at least CITY_MIN_BUILDINGS buildings with passports of CITY_MIN_ORGANISATIONS
organisations make them up. Elsewhere a user sees their own organisation's part of the city,
and a city where they have no building is neither listed nor opened (page, API, CSV, PDF)."""

import pytest


@pytest.fixture
def town(make_user, make_building, make_component):
    """Build a city: town(name, owner_a_count, owner_b_count) -> (owner A, owner B)."""

    def build(city, a_buildings, b_buildings, a=None, b=None):
        a = a or make_user("owner")
        b = b or make_user("owner")
        for owner, count, mass in ((a, a_buildings, 1000.0), (b, b_buildings, 7000.0)):
            for _ in range(count):
                building = make_building(owner, city=city)
                make_component(building, mass_kg=mass)
        return a, b

    return build


def api(client, token_for, user, path):
    return client.get(path, headers=token_for(user))


def pages(client, login, user, city):
    """Status codes of the city's page, CSV and PDF, and the dashboard index, for `user`."""
    login(user)
    out = {
        kind: client.get(f"/dashboard/cities/{city}{suffix}").status_code
        for kind, suffix in (("page", ""), ("csv", "/export.csv"), ("pdf", "/report.pdf"))
    }
    out["index"] = client.get("/dashboard/").get_data(as_text=True)
    client.submit("/logout", page="/dashboard/")
    return out


def test_a_city_of_one_building_is_hidden_from_other_organisations(
    client, login, make_user, token_for, town
):
    owner_a, _ = town("Brummen", 1, 0)
    outsiders = [make_user("owner"), make_user("buyer"), make_user("contractor")]
    for user in outsiders:
        listed = api(client, token_for, user, "/api/v1/dashboard/cities").json["items"]
        assert "Brummen" not in [c["city"] for c in listed]
        assert api(client, token_for, user, "/api/v1/dashboard/cities/Brummen").status_code == 404
    seen = pages(client, login, outsiders[0], "Brummen")
    assert (seen["page"], seen["csv"], seen["pdf"]) == (404, 404, 404)
    assert "Brummen" not in seen["index"]
    # Its owner sees their own part, marked as such.
    [row] = api(client, token_for, owner_a, "/api/v1/dashboard/cities").json["items"]
    assert row["city"] == "Brummen" and row["own_organisation_only"] is True
    mine = api(client, token_for, owner_a, "/api/v1/dashboard/cities/Brummen").json
    assert mine["scope"]["own_organisation_only"] is True
    assert mine["mass_kg"] == pytest.approx(1000.0)
    seen = pages(client, login, owner_a, "Brummen")
    assert (seen["page"], seen["csv"], seen["pdf"]) == (200, 200, 200)
    assert "your organisation’s part" in seen["index"]


def test_in_a_closed_city_each_organisation_sees_only_its_part(
    client, login, make_user, token_for, town
):
    owner_a, owner_b = town("Zutphen", 1, 1)  # two buildings: still too few
    for owner, mass in ((owner_a, 1000.0), (owner_b, 7000.0)):
        d = api(client, token_for, owner, "/api/v1/dashboard/cities/Zutphen").json
        assert d["mass_kg"] == pytest.approx(mass) and d["buildings"]["in_scope"] == 1
        assert d["scope"]["own_organisation_only"] is True
    colleague = make_user("contractor", org=owner_a.organisation)
    d = api(client, token_for, colleague, "/api/v1/dashboard/cities/Zutphen").json
    assert d["mass_kg"] == pytest.approx(1000.0)
    login(owner_a)
    page = client.get("/dashboard/cities/Zutphen").get_data(as_text=True)
    csv = client.get("/dashboard/cities/Zutphen/export.csv").get_data(as_text=True)
    assert "your organisation’s buildings in Zutphen only" in page
    assert "Own organisation only,yes" in csv and "8000" not in csv
    admin = make_user("admin")
    whole = api(client, token_for, admin, "/api/v1/dashboard/cities/Zutphen").json
    assert whole["mass_kg"] == pytest.approx(8000.0)
    assert whole["scope"]["own_organisation_only"] is False


def test_a_city_of_three_buildings_of_two_organisations_is_open_to_anyone(
    app, client, login, make_user, token_for, town
):
    town("Deventer", 2, 1)
    for role in ("owner", "buyer", "contractor"):
        user = make_user(role)
        [row] = api(client, token_for, user, "/api/v1/dashboard/cities").json["items"]
        assert (row["city"], row["buildings"], row["own_organisation_only"]) == (
            "Deventer",
            3,
            False,
        )
        d = api(client, token_for, user, "/api/v1/dashboard/cities/Deventer").json
        assert d["mass_kg"] == pytest.approx(9000.0) and d["buildings"]["with_passports"] == 3
        assert d["top_buildings"] == []  # aggregates, never the buildings' names
    seen = pages(client, login, user, "Deventer")
    assert (seen["page"], seen["csv"], seen["pdf"]) == (200, 200, 200)
    # The thresholds are configuration.
    app.config["CITY_MIN_ORGANISATIONS"] = 3
    closed = api(client, token_for, make_user("owner"), "/api/v1/dashboard/cities/Deventer")
    assert closed.status_code == 404
