"""The GS1 resolver: GS1 Digital Link URIs answer the link types a GS1 client asks for, the RFC
9264 linkset of every public link, the resolver description file, and labels that encode the
tag URL or the GS1 URI (LABEL_LINK), both of which resolve.

Conformance is checked against the GS1-Conformant Resolver Standard's rules as its test suite
reads them: 307 redirects, the linkset named in a Link header, Vary: Accept, one default link
with a title only, link types as full URIs, 400 for a URI that is not a GS1 Digital Link, 404
(with the link types) for a link type the component does not have.
"""

import json
import re
from io import BytesIO
from urllib.parse import quote

import pytest
import zxingcpp
from PIL import Image

from marketplace import services as exchange
from passports import services

BASE = "https://mpx.test"  # TestingConfig.PUBLIC_BASE_URL
GS1 = "https://gs1.org/voc/"
LINKSET = {"Accept": "application/linkset+json"}
JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
# RFC 9264 section 4.2 and GS1's linkset rules: a link relation is a registered name or a URI;
# a target has href and title, and may have type, hreflang (a list of language tags).
_RELATION = re.compile(r"^([a-z][a-z0-9.-]*|https?://[A-Za-z0-9./_-]+)$")
_TARGET_KEYS = {"href", "title", "type", "hreflang"}
_MEDIA_TYPE = re.compile(r"^\w+/[-+.\w]+$")
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def assert_linkset(body: dict, anchor: str) -> dict:
    """The body is an RFC 9264 linkset (JSON serialisation) as GS1 resolvers give it, for one
    anchor: returns that link context object."""
    assert set(body) == {"linkset"} and isinstance(body["linkset"], list)
    assert len(body["linkset"]) == 1
    context = body["linkset"][0]
    assert context["anchor"] == anchor
    for rel, targets in context.items():
        if rel in ("anchor", "description", "itemDescription"):
            assert isinstance(targets, str)
            continue
        assert _RELATION.match(rel), rel
        assert isinstance(targets, list) and targets, rel
        for target in targets:
            assert set(target) <= _TARGET_KEYS, target
            assert target["href"].startswith(BASE + "/") and target["title"], target
            if "type" in target:
                assert _MEDIA_TYPE.match(target["type"]), target
            if "hreflang" in target:
                assert all(_LANGUAGE.match(lang) for lang in target["hreflang"]), target
    defaults = context[GS1 + "defaultLink"]
    assert len(defaults) == 1 and set(defaults[0]) == {"href", "title"}
    return context


@pytest.fixture
def site(make_user, make_building, make_component, db, material_id):
    owner = make_user("owner")
    building = make_building(owner, city="Zutphen", name="Town hall Brummen")
    door = make_component(
        building,
        name="Oak door",
        category="door",
        quantity=1,
        unit="pcs",
        gtin="6291041500213",
        serial_number="D/17",
        description="Lift off the hinges.",
        manufacturer="Deurenfabriek Noord",
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        hazards=[{"kind": "lead", "notes": "lead paint on frame, room 2.14"}],
    )
    beam = make_component(building, name="Steel beam", category="beam", quantity=1, unit="pcs")
    db.session.commit()
    return owner, building, door, beam


def giai_path(app, component) -> str:
    return f"/8004/{app.config['GS1_COMPANY_PREFIX']}{component.tag}"


def gtin_path() -> str:
    return "/01/06291041500213/21/" + quote("D/17", safe="")


# ------------------------------------------------------------------ redirects and link types
def test_a_browser_is_sent_to_the_passport_page(client, app, site):
    _owner, _building, door, beam = site
    for path, tag in ((gtin_path(), door.tag), (giai_path(app, beam), beam.tag)):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 307
        assert response.headers["Location"] == f"{BASE}/t/{tag}"
        assert 'rel="linkset"' in response.headers["Link"]
        assert f"{path}?linkType=linkset>" in response.headers["Link"]
        assert "Accept" in response.headers["Vary"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        page = client.get(response.headers["Location"].removeprefix(BASE))
        assert page.status_code == 200


@pytest.mark.parametrize(
    "link_type, accept, target",
    [
        ("gs1:pip", None, "/t/{tag}"),
        ("https://gs1.org/voc/pip", None, "/t/{tag}"),
        ("https://ref.gs1.org/voc/pip", None, "/t/{tag}"),
        ("gs1:defaultLink", None, "/t/{tag}"),
        ("gs1:sustainabilityInfo", "application/json", "/t/{tag}"),
        ("gs1:sustainabilityInfo", "application/vc", "/t/{tag}/dpp.json"),
        ("gs1:sustainabilityInfo", "application/vc+jwt", "/t/{tag}/dpp.jwt"),
        ("gs1:dpp", None, "/t/{tag}/dpp.json"),
        ("gs1:certificationInfo", None, "/t/{tag}/hazards.json"),
        ("gs1:masterData", None, "/t/{tag}/master-data.json"),
        ("gs1:relatedImage", "image/svg+xml", "/t/{tag}/qr.svg"),
        ("gs1:relatedImage", None, "/t/{tag}/qr.png"),
    ],
)
def test_each_link_type_redirects_with_307(client, app, site, link_type, accept, target):
    _owner, _building, door, _beam = site
    headers = {"Accept": accept} if accept else {}
    for path in (gtin_path(), giai_path(app, door)):
        response = client.get(path, query_string={"linkType": link_type}, headers=headers)
        assert response.status_code == 307, (path, link_type)
        assert response.headers["Location"] == BASE + target.format(tag=door.tag)
        assert 'rel="linkset"' in response.headers["Link"]


def test_the_query_string_is_passed_on(client, app, site):
    _owner, _building, door, _beam = site
    response = client.get(giai_path(app, door) + "?linkType=gs1:pip&utm_source=label&x=1")
    assert response.headers["Location"] == f"{BASE}/t/{door.tag}?utm_source=label&x=1"


def test_the_links_point_at_documents_that_exist(client, app, site):
    _owner, _building, door, _beam = site
    body = client.get(giai_path(app, door), headers=LINKSET).json
    hrefs = {
        t["href"] for rel, ts in body["linkset"][0].items() if isinstance(ts, list) for t in ts
    }
    for href in hrefs:
        path = href.removeprefix(BASE)
        assert client.get(path, headers=JSON).status_code == 200, path


def test_the_credential_links_answer_the_media_type_they_name(client, app, site):
    """The linkset's UNTP credential links: the JSON one answers `application/vc` to a client
    that asks for it, the signed one `application/vc+jwt`, and the credential validates."""
    from tests.passports.untp_support import dpp_validator
    from tests.passports.untp_support import errors

    _owner, _building, door, _beam = site
    body = client.get(giai_path(app, door), headers=LINKSET).json
    links = body["linkset"][0]["https://gs1.org/voc/sustainabilityInfo"]
    credentials = [link for link in links if "/dpp." in link["href"]]
    assert {link["type"] for link in credentials} == {"application/vc", "application/vc+jwt"}
    for link in credentials:
        answer = client.get(link["href"].removeprefix(BASE), headers={"Accept": link["type"]})
        assert answer.status_code == 200 and answer.mimetype == link["type"], link
    plain = next(link for link in credentials if link["type"] == "application/vc")
    credential = client.get(plain["href"].removeprefix(BASE), headers={"Accept": "application/vc"})
    assert errors(dpp_validator(), json.loads(credential.data)) == []


def test_an_unknown_link_type_is_a_404_listing_the_link_types(client, app, site):
    _owner, _building, door, _beam = site
    path = giai_path(app, door)
    api = client.get(path, query_string={"linkType": "gs1:recipeInfo"}, headers=JSON)
    assert api.status_code == 404
    assert api.json["code"] == 404 and api.json["status"] == "Not Found"
    assert "gs1:recipeInfo" in api.json["message"]
    assert api.json["link_types"] == [
        "gs1:pip",
        "gs1:sustainabilityInfo",
        "gs1:dpp",
        "gs1:certificationInfo",
        "gs1:masterData",
        "gs1:relatedImage",
        "gs1:defaultLink",
    ]
    assert 'rel="linkset"' in api.headers["Link"]
    page = client.get(path, query_string={"linkType": "gs1:recipeInfo"}, headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "gs1:recipeInfo" in html and "gs1:certificationInfo" in html
    assert f"{BASE}/t/{door.tag}/master-data.json" in html
    dutch = client.get(
        path,
        query_string={"linkType": "gs1:recipeInfo"},
        headers={**BROWSER, "Accept-Language": "nl"},
    )
    assert "Materialenpaspoort" in dutch.get_data(as_text=True)


def test_a_uri_that_is_not_a_digital_link_is_a_400_and_an_unknown_one_a_404(client, app, site):
    _owner, _building, door, _beam = site
    prefix = app.config["GS1_COMPANY_PREFIX"]
    for bad in ("/01/abc/21/x", "/01/06291041500214/21/D-17", "/8004/ABC", "/01/062910415002/21/x"):
        response = client.get(bad, headers=JSON)
        assert response.status_code == 400, bad
        assert response.json["code"] == 400
    for unknown in ("/01/06291041500213/21/NOPE", f"/8004/999{door.tag}", f"/8004/{prefix}X"):
        assert client.get(unknown, headers=JSON).status_code == 404, unknown
    assert client.get("/01/06291041500213/21/NOPE").status_code == 404


def test_trailing_slash_and_any_case_of_the_tag_resolve(client, app, site):
    _owner, _building, door, _beam = site
    for path in (giai_path(app, door) + "/", giai_path(app, door).lower(), gtin_path() + "/"):
        response = client.get(path)
        assert response.status_code == 307, path
        assert response.headers["Location"] == f"{BASE}/t/{door.tag}"


def test_cors_preflight_and_head(client, app, site):
    _owner, _building, door, _beam = site
    preflight = client.options(giai_path(app, door))
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in preflight.headers["Access-Control-Expose-Headers"]
    head = client.head(giai_path(app, door))
    assert head.status_code == 307 and head.headers["Location"].endswith(door.tag)


# ------------------------------------------------------------------ the linkset
def test_the_linkset_lists_every_public_link(client, app, site):
    _owner, _building, door, beam = site
    response = client.get(gtin_path(), headers=LINKSET)
    assert response.status_code == 200 and response.mimetype == "application/linkset+json"
    assert "Accept" in response.headers["Vary"]
    assert "json-ld#context" in response.headers["Link"]
    context = assert_linkset(response.json, BASE + gtin_path())
    tag = door.tag
    assert context[GS1 + "pip"] == [
        {
            "href": f"{BASE}/t/{tag}",
            "title": "Material passport",
            "type": "text/html",
            "hreflang": ["en", "nl", "da", "de", "ja", "zh"],
        }
    ]
    assert [(t["href"], t["type"]) for t in context[GS1 + "sustainabilityInfo"]] == [
        (f"{BASE}/t/{tag}", "application/json"),
        (f"{BASE}/t/{tag}/dpp.json", "application/vc"),
        (f"{BASE}/t/{tag}/dpp.jwt", "application/vc+jwt"),
    ]
    assert [t["href"] for t in context[GS1 + "certificationInfo"]] == [
        f"{BASE}/t/{tag}/hazards.json"
    ]
    assert [t["href"] for t in context[GS1 + "masterData"]] == [f"{BASE}/t/{tag}/master-data.json"]
    assert [t["type"] for t in context[GS1 + "relatedImage"]] == ["image/png", "image/svg+xml"]
    assert context[GS1 + "defaultLink"] == [
        {"href": f"{BASE}/t/{tag}", "title": "Material passport"}
    ]
    assert "https://schema.org/offers" not in context
    # linkType=linkset and the older linkType=all give the same, as does plain JSON.
    for query in ({"linkType": "linkset"}, {"linkType": "all"}):
        assert client.get(gtin_path(), query_string=query).json == response.json
    plain = client.get(gtin_path(), headers=JSON)
    assert plain.mimetype == "application/json" and plain.json == response.json
    # The GIAI names the beam, which has no GTIN.
    beam_set = client.get(giai_path(app, beam), headers=LINKSET).json
    assert_linkset(beam_set, BASE + giai_path(app, beam))


def test_titles_follow_the_readers_language(client, app, site):
    _owner, _building, door, _beam = site
    body = client.get(giai_path(app, door), headers={**LINKSET, "Accept-Language": "ja"}).json
    assert body["linkset"][0][GS1 + "pip"][0]["title"] == "マテリアルパスポート"


def test_the_linkset_tells_nothing_private_to_anyone(client, app, site, login):
    owner, _building, door, _beam = site
    anonymous = client.get(giai_path(app, door), headers=LINKSET).get_data(as_text=True)
    for path in (f"/t/{door.tag}/hazards.json", f"/t/{door.tag}/master-data.json"):
        anonymous += client.get(path).get_data(as_text=True)
    for private in ("lead paint", "room 2.14", "Lift off", "Town hall", "Deurenfabriek"):
        assert private not in anonymous, private
    login(owner)  # the public resolver says the same to the owner
    assert client.get(giai_path(app, door), headers=LINKSET).get_data(as_text=True) in anonymous


def test_the_listing_link_appears_only_while_the_lot_is_on_the_exchange(
    client, app, db, make_user, make_building, make_component, material_id
):
    owner = make_user("owner")
    building = make_building(owner)
    part = make_component(
        building,
        name="Oak door 1",
        category="door",
        quantity=4,
        unit="pcs",
        mass_kg=100.0,
        condition=4,
        status="in_storage",
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
    )
    listing = exchange.create_listing(
        owner,
        building,
        {"component_ids": [part.id], "title": "Reclaimed oak doors", "price_basis": "free"},
    )
    db.session.commit()

    def offers():
        body = client.get(giai_path(app, part), headers=LINKSET).json
        return body["linkset"][0].get("https://schema.org/offers")

    assert offers() is None  # a draft is not on the exchange
    exchange.publish_listing(listing, owner)
    db.session.commit()
    assert offers() == [
        {
            "href": f"{BASE}/exchange/listings/{listing.id}",
            "title": "On the exchange: Reclaimed oak doors",
            "type": "text/html",
            "hreflang": ["en", "nl", "da", "de", "ja", "zh"],
        }
    ]
    redirect = client.get(giai_path(app, part), query_string={"linkType": "schema:offers"})
    assert redirect.status_code == 307
    assert redirect.headers["Location"] == f"{BASE}/exchange/listings/{listing.id}"
    assert client.get(f"/exchange/listings/{listing.id}").status_code == 200  # open to visitors
    exchange.withdraw_listing(listing, owner)
    db.session.commit()
    assert offers() is None


# ------------------------------------------------------------------ documents and pages
def test_the_public_hazard_and_master_data_documents(client, app, db, site):
    owner, _building, door, _beam = site
    hazards = client.get(f"/t/{door.tag}/hazards.json").json
    assert hazards["hazards"] == [{"kind": "lead", "name": "Lead", "cleared": False}]
    assert hazards["uncleared"] == 1
    services.clear_hazard(door.hazards[0], owner, "Paint stripped, certificate 2026-114")
    db.session.commit()
    hazards = client.get(f"/t/{door.tag}/hazards.json").json
    assert hazards["hazards"][0]["cleared"] is True and hazards["uncleared"] == 0
    assert "2026-114" not in str(hazards)
    master = client.get(f"/t/{door.tag}/master-data.json").json
    assert master["gtin"] == "06291041500213" and master["serial_number"] == "D/17"
    assert master["giai"] == app.config["GS1_COMPANY_PREFIX"] + door.tag
    assert master["gs1_digital_link"] == BASE + gtin_path()
    assert master["city"] == "Zutphen" and master["material_family"] == "timber"
    assert client.get("/t/NOSUCHTAG000/master-data.json").status_code == 404


def test_the_component_json_and_pages_show_the_gs1_uri(client, app, site, token_for, login):
    owner, _building, door, beam = site
    api = client.get(f"/api/v1/components/{door.id}", headers=token_for(owner)).json
    assert api["gs1_digital_link"] == BASE + gtin_path()
    public = client.get(f"/t/{beam.tag}", headers=JSON).json
    assert public["gs1_digital_link"] == BASE + giai_path(app, beam)
    assert BASE + giai_path(app, beam) in client.get(f"/t/{beam.tag}").get_data(as_text=True)
    login(owner)
    for path in (f"/t/{door.tag}", f"/components/{door.id}"):
        html = client.get(path).get_data(as_text=True)
        assert BASE + gtin_path() in html, path


def test_the_resolver_description_file(client, app):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert body["resolverRoot"] == BASE
    assert body["supportedPrimaryKeys"] == ["01", "8004"]
    assert {"namespace": GS1, "prefix": "gs1:"} in body["supportedLinkType"]
    assert body["linkTypeDefaultCanBeLinkset"] is False
    assert body["name"] and body["jsonLdContextLocation"].startswith("https://")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# ------------------------------------------------------------------ labels
def _decode_png(data: bytes) -> list[str]:
    with Image.open(BytesIO(data)) as image:
        image.load()
        gray = image.convert("L")
    return [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize("label_link", ["tag", "gs1"])
def test_labels_encode_what_label_link_says_and_it_resolves(client, app, site, login, label_link):
    owner, building, door, beam = site
    app.config["LABEL_LINK"] = label_link
    expected = {
        "tag": {door.tag: f"{BASE}/t/{door.tag}", beam.tag: f"{BASE}/t/{beam.tag}"},
        "gs1": {door.tag: BASE + gtin_path(), beam.tag: BASE + giai_path(app, beam)},
    }[label_link]
    for tag, url in expected.items():
        assert _decode_png(client.get(f"/t/{tag}/qr.png").data) == [url]
        resolved = client.get(url.removeprefix(BASE), headers=BROWSER)
        if label_link == "gs1":
            assert resolved.status_code == 307
            assert resolved.headers["Location"] == f"{BASE}/t/{tag}"
        else:
            assert resolved.status_code == 200
    login(owner)
    pdf = client.get(f"/buildings/{building.id}/labels.pdf", query_string={"layout": "l7160"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.data)
    try:
        page = document[0]
        bitmap = page.render(scale=200 / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        document.close()
    found = {r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert found == set(expected.values())
