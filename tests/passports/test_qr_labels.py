"""QR images of tags and printable label sheets, checked the way a site crew meets them.

QR codes are decoded with zxing-cpp from the served PNG, from the served SVG drawn as pixels,
and from every page of the label PDFs rasterised with pdfium, label by label at the
rectangles the sheet geometry gives. Nothing is mocked: the app, the database, reportlab,
pdfium and the decoder are the real ones.
"""

import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from io import BytesIO

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from PIL import ImageDraw

from passports import services
from passports.labels import LAYOUTS
from passports.labels import label_positions
from passports.tags import format_tag

BASE = "https://mpx.test"  # TestingConfig.PUBLIC_BASE_URL
A4_PT = (595.28, 841.89)
MM_PT = 72 / 25.4
DPI = 200


def url(tag: str) -> str:
    return f"{BASE}/t/{tag}"


def decode(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def png(response) -> Image.Image:
    with Image.open(BytesIO(response.data)) as image:
        image.load()
        return image.convert("L")


@contextmanager
def pdf_document(data: bytes):
    pdf = pdfium.PdfDocument(data)
    try:
        yield pdf
    finally:
        pdf.close()


def pdf_pages(data: bytes, dpi: int = DPI) -> list[dict]:
    """Every page as its size in points, its text and a grayscale image at `dpi`."""
    pages = []
    with pdf_document(data) as pdf:
        for index in range(len(pdf)):
            page = pdf[index]
            text_page = page.get_textpage()
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pages.append(
                {
                    "size": page.get_size(),
                    "text": text_page.get_text_range(),
                    "image": bitmap.to_pil().convert("L"),  # a copy: the bitmap is freed next
                }
            )
            bitmap.close()
            text_page.close()
            page.close()
    return pages


def label_crops(page: dict, layout: str, dpi: int = DPI) -> list[Image.Image]:
    """The page image cut at each label rectangle of the layout, in sheet order."""
    px = dpi / 25.4
    return [
        page["image"].crop((round(x * px), round(y * px), round((x + w) * px), round((y + h) * px)))
        for x, y, w, h in label_positions(layout)
    ]


def decoded_per_label(data: bytes, layout: str) -> list[str | None]:
    """What each label position of each page decodes to (None where the position is blank)."""
    found = []
    for page in pdf_pages(data):
        for crop in label_crops(page, layout):
            results = decode(crop)
            assert len(results) <= 1
            found.append(results[0].text if results else None)
    return found


def decoded_urls(data: bytes) -> list[str]:
    """All QR codes found anywhere on all pages."""
    return [r.text for page in pdf_pages(data) for r in decode(page["image"])]


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def component(owner, make_building, make_component):
    return make_component(make_building(owner), name="Reclaimed oak door")


# ------------------------------------------------------------------ QR images


def quiet_zone_and_module(image: Image.Image) -> tuple[dict, int]:
    """Width of the white margin on each side, and the module size from the finder pattern."""
    pixels = image.load()
    width, height = image.size
    dark = [(x, y) for y in range(height) for x in range(width) if pixels[x, y] < 128]
    left, top = min(x for x, _ in dark), min(y for _, y in dark)
    right, bottom = max(x for x, _ in dark), max(y for _, y in dark)
    run = 0
    while pixels[left + run, top] < 128:  # the top edge of the top-left finder: 7 modules
        run += 1
    margins = {
        "left": left,
        "top": top,
        "right": width - 1 - right,
        "bottom": height - 1 - bottom,
    }
    return margins, run // 7


def test_png_decodes_to_the_tag_url_with_level_m_and_a_four_module_quiet_zone(client, component):
    response = client.get(f"/t/{component.tag}/qr.png?size=300")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = png(response)
    (result,) = decode(image)
    assert result.text == url(component.tag)
    assert result.ec_level == "M"
    margins, module = quiet_zone_and_module(image)
    assert module >= 2
    assert margins == dict.fromkeys(("left", "top", "right", "bottom"), 4 * module)
    assert image.size[0] == image.size[1]
    assert abs(image.size[0] - 300) <= image.size[0] / module / 2


@pytest.mark.parametrize("size", [64, 150, 512, 2048])
def test_png_size_is_about_the_requested_width(client, component, size):
    image = png(client.get(f"/t/{component.tag}/qr.png?size={size}"))
    margins, module = quiet_zone_and_module(image)
    # Whole pixels per module: the width is off by at most half a pixel per module.
    assert abs(image.size[0] - size) <= image.size[0] / module / 2
    assert margins["left"] == 4 * module
    assert decode(image)[0].text == url(component.tag)


def test_png_without_size_is_320_pixels_wide(client, component):
    image = png(client.get(f"/t/{component.tag}/qr.png"))
    _margins, module = quiet_zone_and_module(image)
    assert abs(image.size[0] - 320) <= image.size[0] / module / 2


@pytest.mark.parametrize("size", ["63", "2049", "abc", "1.5", "-100", "1e3", "²", "99999999999999"])
@pytest.mark.parametrize("kind", ["png", "svg"])
def test_size_out_of_range_or_not_a_whole_number_is_refused(client, component, size, kind):
    response = client.get(f"/t/{component.tag}/qr.{kind}?size={size}")
    assert response.status_code == 400
    assert "64 to 2048" in response.get_data(as_text=True)


def rasterise_svg(svg: bytes, scale: int = 8) -> tuple[ET.Element, Image.Image]:
    """Draw the SVG's white square and dark runs as pixels; every path command must be a run."""
    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    _x, _y, width, height = (int(v) for v in root.get("viewBox").split())
    assert width == height
    background = root.find("svg:rect", ns)
    assert background.get("fill") == "#fff" and int(background.get("width")) == width
    path = root.find("svg:path", ns)
    assert path.get("fill") == "#000"
    runs = re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", path.get("d"))
    assert "".join(f"M{x},{y}h{n}v1h-{n}z" for x, y, n in runs) == path.get("d")
    image = Image.new("L", (width * scale, width * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in ((int(a), int(b), int(c)) for a, b, c in runs):
        draw.rectangle((x * scale, y * scale, (x + n) * scale - 1, (y + 1) * scale - 1), fill=0)
    return root, image


def test_svg_is_valid_xml_sized_in_pixels_and_decodes_to_the_tag_url(client, component):
    response = client.get(f"/t/{component.tag}/qr.svg?size=240")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    root, image = rasterise_svg(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("240", "240")
    (result,) = decode(image)
    assert result.text == url(component.tag) and result.ec_level == "M"
    margins, module = quiet_zone_and_module(image)
    assert module == 8 and margins["left"] == margins["bottom"] == 4 * 8


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_images_are_public_cached_for_a_year_and_revalidated_by_etag(client, component, kind):
    first = client.get(f"/t/{component.tag}/qr.{kind}?size=200")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)

    again = client.get(f"/t/{component.tag}/qr.{kind}?size=200", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    weak = client.get(
        f"/t/{component.tag}/qr.{kind}?size=200", headers={"If-None-Match": f'"x", W/{etag}'}
    )
    assert weak.status_code == 304

    other_size = client.get(
        f"/t/{component.tag}/qr.{kind}?size=400", headers={"If-None-Match": etag}
    )
    assert other_size.status_code == 200 and other_size.headers["ETag"] != etag
    stale = client.get(f"/t/{component.tag}/qr.{kind}?size=200", headers={"If-None-Match": '"x"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_png_and_svg_have_different_etags(client, component):
    png_etag = client.get(f"/t/{component.tag}/qr.png?size=200").headers["ETag"]
    svg_etag = client.get(f"/t/{component.tag}/qr.svg?size=200").headers["ETag"]
    assert png_etag != svg_etag


def test_lower_case_and_hyphenated_tags_give_the_canonical_code(client, component):
    canonical = client.get(f"/t/{component.tag}/qr.png")
    for typed in (
        component.tag.lower(),
        format_tag(component.tag),
        format_tag(component.tag).lower(),
    ):
        response = client.get(f"/t/{typed}/qr.png")
        assert response.status_code == 200
        assert response.headers["ETag"] == canonical.headers["ETag"]
        assert decode(png(response))[0].text == url(component.tag)


@pytest.mark.parametrize("kind", ["png", "svg"])
@pytest.mark.parametrize(
    "tag", ["ZZZZZZZZZZZZ", "0000-0000-0000", "abc", "7QKD-M2XA-9HCTX", "UUUUUUUUUUUU", "%00"]
)
def test_unknown_and_malformed_tags_are_not_found(client, component, kind, tag):
    assert client.get(f"/t/{tag}/qr.{kind}").status_code == 404


def test_archived_components_keep_their_qr_image(client, db, component):
    services.archive_component(component)
    db.session.commit()
    response = client.get(f"/t/{component.tag}/qr.png")
    assert response.status_code == 200
    assert decode(png(response))[0].text == url(component.tag)


# ------------------------------------------------------------------ label sheets


@pytest.fixture
def site(owner, make_building, make_component):
    """A building with 23 components, more than one L7160 sheet of 21, in a clear order."""
    building = make_building(owner, name="Katrinedals Skole", city="København")
    components = [
        make_component(building, name=f"Wall panel {i:02d}", storey="01 First floor")
        for i in range(1, 24)
    ]
    return building, components


def get_pdf(client, building, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/buildings/{building.id}/labels.pdf?{query}")


@pytest.mark.parametrize(("layout", "pages"), [("l7160", 2), ("l7163", 2), ("roll62", 23)])
def test_every_label_of_every_page_decodes_to_its_component(
    client, login, owner, site, layout, pages
):
    building, components = site
    login(owner)
    response = get_pdf(client, building, layout=layout)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="labels-katrinedals-skole-{layout}.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"

    per_label = decoded_per_label(response.data, layout)
    expected = [url(c.tag) for c in components]  # name order, as on the components page
    assert len(per_label) == pages * LAYOUTS[layout].per_page
    assert per_label[: len(expected)] == expected
    assert set(per_label[len(expected) :]) <= {None}
    # Nothing else anywhere on the pages: each code exactly once.
    assert sorted(decoded_urls(response.data)) == sorted(expected)


@pytest.mark.parametrize("layout", ["l7160", "l7163"])
def test_sheets_are_a4(client, login, owner, site, layout):
    building, _ = site
    login(owner)
    for page in pdf_pages(get_pdf(client, building, layout=layout).data, dpi=10):
        assert page["size"] == pytest.approx(A4_PT, abs=0.01)


def test_roll_labels_are_62_mm_wide(client, login, owner, site):
    building, _ = site
    login(owner)
    pages = pdf_pages(get_pdf(client, building, layout="roll62").data, dpi=10)
    assert len(pages) == 23
    for page in pages:
        assert page["size"] == pytest.approx((62 * MM_PT, 40 * MM_PT), abs=0.01)


def test_sheet_geometry_matches_the_avery_templates():
    l7160 = label_positions("l7160")
    assert len(l7160) == 21
    assert l7160[0] == (7.2, 15.15, 63.5, 38.1)
    assert l7160[1] == (73.24, 15.15, 63.5, 38.1)
    assert l7160[2] == (139.28, 15.15, 63.5, 38.1)
    assert l7160[3] == (7.2, 53.25, 63.5, 38.1)
    assert l7160[20] == (139.28, 243.75, 63.5, 38.1)
    right = 210 - (l7160[2][0] + 63.5)
    bottom = 297 - (l7160[20][1] + 38.1)
    assert right == pytest.approx(7.22) and bottom == pytest.approx(15.15)

    l7163 = label_positions("l7163")
    assert len(l7163) == 14
    assert l7163[0] == (4.65, 15.15, 99.1, 38.1)
    assert l7163[1] == (106.25, 15.15, 99.1, 38.1)
    assert l7163[13] == (106.25, 243.75, 99.1, 38.1)
    assert 210 - (l7163[1][0] + 99.1) == pytest.approx(4.65)

    assert label_positions("roll62") == [(0.0, 0.0, 62.0, 40.0)]


@pytest.mark.parametrize("layout", ["l7160", "l7163", "roll62"])
def test_qr_codes_are_large_and_keep_their_quiet_zone_inside_the_label(
    client, login, owner, site, layout
):
    building, _ = site
    spec = LAYOUTS[layout]
    login(owner)
    page = pdf_pages(get_pdf(client, building, layout=layout).data, dpi=300)[0]
    px = 300 / 25.4
    code_mm = spec.label_h - 2 * spec.inset  # the code with its quiet zone, left of the text
    assert code_mm >= 35
    for crop in label_crops(page, layout, dpi=300)[:3]:
        qr_area = crop.crop((0, 0, int((spec.inset + code_mm) * px) - 1, crop.size[1]))
        margins, module = quiet_zone_and_module(qr_area)
        symbol_mm = (crop.size[1] - margins["top"] - margins["bottom"]) / px
        assert symbol_mm >= 27
        # Nothing but white for 4 modules around the symbol, inside the label's edge.
        assert min(margins.values()) >= 4 * module - 1
        assert margins["left"] >= (spec.inset * px) + 4 * module - 2


def test_labels_show_the_grouped_tag_name_building_and_storey(client, login, owner, site):
    building, components = site
    login(owner)
    pages = pdf_pages(get_pdf(client, building, layout="l7160").data, dpi=10)
    text = pages[0]["text"]
    for c in components[:21]:
        assert format_tag(c.tag) in text
        assert c.name in text
    assert text.count("Katrinedals Skole") == 21
    assert text.count("01 First floor") == 21
    assert format_tag(components[21].tag) in pages[1]["text"]


def test_start_skips_used_positions_on_the_first_sheet(client, login, owner, site):
    building, components = site
    login(owner)
    per_label = decoded_per_label(get_pdf(client, building, start=5).data, "l7160")
    assert per_label[:5] == [None] * 5
    assert per_label[5:28] == [url(c.tag) for c in components]
    assert set(per_label[28:]) <= {None}


def test_outlines_for_a_test_print_do_not_disturb_the_codes(client, login, owner, site):
    building, components = site
    login(owner)
    response = get_pdf(client, building, layout="l7163", outline=1)
    assert decoded_per_label(response.data, "l7163")[:23] == [url(c.tag) for c in components]


@pytest.fixture
def mixed(owner, make_building, make_component, db):
    """Components on two storeys, of two categories, one to harvest and one archived."""
    building = make_building(owner, name="Brummen town hall")
    made = {
        "ground_window": make_component(building, storey="00 Ground", category="window"),
        "ground_door": make_component(building, storey="00 Ground", category="door"),
        "first_window": make_component(building, storey="01 First", category="window"),
        "first_door": make_component(building, storey="01 First", category="door"),
        "archived": make_component(building, storey="01 First", category="door"),
    }
    services.change_status(made["first_door"], "to_harvest")
    services.archive_component(made["archived"])
    db.session.commit()
    return building, made


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, {"ground_window", "ground_door", "first_window", "first_door"}),
        ({"storey": "01+First"}, {"first_window", "first_door"}),
        ({"category": "window"}, {"ground_window", "first_window"}),
        ({"status": "to_harvest"}, {"first_door"}),
        ({"storey": "00+Ground", "category": "door"}, {"ground_door"}),
        ({"ids": "IDS:ground_door,first_window"}, {"ground_door", "first_window"}),
        ({"ids": "IDS:ground_door,first_window", "category": "window"}, {"first_window"}),
    ],
)
def test_selection_prints_only_the_chosen_components(client, login, owner, mixed, args, expected):
    building, made = mixed
    login(owner)
    if "ids" in args:
        keys = args["ids"].removeprefix("IDS:").split(",")
        args = {**args, "ids": "%20,".join(str(made[k].id) for k in keys)}
    response = get_pdf(client, building, **args)
    assert response.status_code == 200
    assert sorted(decoded_urls(response.data)) == sorted(url(made[k].tag) for k in expected)


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        ({"layout": "a4-grid"}, 400, "Unknown layout"),
        ({"category": "spaceship"}, 400, "Unknown category"),
        ({"status": "melted"}, 400, "Unknown status"),
        ({"ids": "1,abc"}, 400, "whole numbers"),
        ({"ids": "99999999999999999999"}, 400, "whole numbers"),
        ({"ids": "0"}, 400, "whole numbers"),
        ({"ids": "1,²"}, 400, "whole numbers"),
        ({"start": "²"}, 400, "0 to 20"),
        ({"start": "21"}, 400, "0 to 20"),
        ({"start": "x"}, 400, "0 to 20"),
        ({"layout": "roll62", "start": "1"}, 400, "not to a roll"),
        ({"status": "disposed"}, 422, "No components match"),
        ({"storey": "99 Attic"}, 422, "No components match"),
    ],
)
def test_bad_requests_answer_with_a_clear_message(
    client, login, owner, mixed, args, status, message
):
    building, _ = mixed
    login(owner)
    response = get_pdf(client, building, **args)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_selection_matching_nothing_keeps_the_form_and_its_filters(client, login, owner, mixed):
    building, _ = mixed
    login(owner)
    response = client.get(
        f"/buildings/{building.id}/labels.pdf"
        "?layout=l7163&start=3&storey=00+Ground&category=door&status=disposed&outline=1"
    )
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    # The labels form again, not an error page: the user changes a choice and downloads.
    assert f'action="/buildings/{building.id}/labels.pdf"' in html
    assert '<div class="flash flash-error" role="alert" id="label-problem">' in html
    assert "No components match this selection" in html
    assert '<option value="l7163" selected>' in html
    assert '<option value="00 Ground" selected>' in html
    assert '<option value="door" selected>' in html
    assert '<option value="disposed" selected>' in html
    assert 'name="start" type="number" min="0" max="20" step="1" value="3"' in html
    assert 'name="outline" value="1" checked' in html


def test_a_bad_id_is_shown_beside_its_field_with_what_was_typed(client, login, owner, mixed):
    building, made = mixed
    login(owner)
    typed = f"{made['ground_door'].id}, {made['archived'].id}"
    response = client.get(
        f"/buildings/{building.id}/labels.pdf", query_string={"ids": typed, "storey": "01 First"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    message = f"No component of this building has id {made['archived'].id}."
    assert f'<p class="field-error" id="ids-error">{message}</p>' in html
    typo = client.get(f"/buildings/{building.id}/labels.pdf", query_string={"ids": "12;x"})
    assert typo.status_code == 400
    assert 'id="ids-error">Component ids must be whole numbers' in typo.get_data(as_text=True)


def test_the_form_and_its_messages_follow_the_language(client, login, owner, mixed):
    building, _ = mixed
    login(owner)
    form = client.get(f"/buildings/{building.id}/labels", headers={"Accept-Language": "nl"})
    html = form.get_data(as_text=True)
    assert "QR-labels printen" in html and "PDF downloaden" in html
    nothing = client.get(
        f"/buildings/{building.id}/labels.pdf?status=disposed", headers={"Accept-Language": "ja"}
    )
    assert nothing.status_code == 422
    assert "この条件に合う部材がないため" in nothing.get_data(as_text=True)


def test_ids_of_archived_or_other_buildings_components_are_refused(
    client, login, owner, mixed, make_building, make_component
):
    building, made = mixed
    elsewhere = make_component(make_building(owner))
    login(owner)
    for ids in (f"{made['archived'].id}", f"{made['ground_door'].id},{elsewhere.id}"):
        response = get_pdf(client, building, ids=ids)
        assert response.status_code == 422
        assert "No component of this building has id" in response.get_data(as_text=True)


def test_other_organisations_do_not_see_the_labels(client, login, make_user, site):
    building, _ = site
    login(make_user("owner"))
    assert get_pdf(client, building).status_code == 404
    assert client.get(f"/buildings/{building.id}/labels").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, site):
    building, _ = site
    for path in (f"/buildings/{building.id}/labels", f"/buildings/{building.id}/labels.pdf"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_granted_contractor_prints_labels_too(client, db, login, make_user, owner, site):
    building, components = site
    contractor = make_user("contractor")
    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    login(contractor)
    response = get_pdf(client, building, layout="l7163")
    assert response.status_code == 200
    assert len(decoded_urls(response.data)) == len(components)


def test_owner_finds_the_label_form_from_the_building_page(client, login, owner, mixed):
    building, _ = mixed
    login(owner)
    detail = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert f'href="/buildings/{building.id}/labels"' in detail
    response = client.get(f"/buildings/{building.id}/labels?storey=01+First&layout=l7163")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'action="/buildings/{building.id}/labels.pdf"' in html
    assert 'method="get"' in html
    assert '<option value="01 First" selected>' in html
    assert '<option value="l7163" selected>' in html
    assert "4 components" in html  # the archived one is not counted
    for key in LAYOUTS:
        assert f'value="{key}"' in html
    assert "<script" not in html.split("<main", 1)[1] and "style=" not in html


def test_the_form_as_a_browser_submits_it_gives_the_pdf(client, login, owner, mixed):
    building, made = mixed
    login(owner)
    response = get_pdf(
        client, building, layout="l7160", start="0", storey="", category="", status="", ids=""
    )
    assert response.status_code == 200
    assert len(decoded_urls(response.data)) == 4


def test_building_ids_beyond_an_integer_column_are_not_found(client, login, owner):
    login(owner)
    for path in ("/buildings/99999999999999999999/labels", "/buildings/2147483648/labels.pdf"):
        assert client.get(path).status_code == 404


def test_the_code_follows_public_base_url_without_its_trailing_slash(app, client, component):
    app.config["PUBLIC_BASE_URL"] = "https://passports.example.org/city/"
    response = client.get(f"/t/{component.tag.lower()}/qr.png")
    assert decode(png(response))[0].text == f"https://passports.example.org/city/t/{component.tag}"
