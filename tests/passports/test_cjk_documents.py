"""Japanese and Chinese on the printed documents: label sheets and the passport PDF.

A building whose components have Japanese and Chinese names prints its L7160 sheet with every
QR code decodable (zxing-cpp on pages rasterised by pdfium) and its names extracted intact; the
passport PDF read in Japanese has Japanese headings and names; both embed WenQuanYi Micro Hei as
a subset, while Latin-only documents keep DejaVu exactly as before. The symbols of the label
sheets are those of `passports.qr`, module for module.
"""

import os
import random
import re
from pathlib import Path

import numpy as np
import pytest
from reportlab.platypus import Table

from passports import qr
from passports.documents import pdfkit
from passports.labels.symbols import dark_runs
from passports.labels.symbols import symbol
from tests.passports.test_qr_labels import decoded_per_label
from tests.passports.test_qr_labels import get_pdf
from tests.passports.test_qr_labels import pdf_document
from tests.passports.test_qr_labels import url

JAPANESE = ("レンガ壁 北側", "木製ドア", "鉄骨梁 HEA 200")
CHINESE = ("砖墙",)
CJK_FONT = b"WenQuanYi"
LATIN_FONT = b"DejaVuSansCondensed"


def page_texts(data: bytes) -> list[str]:
    """The text pdfium extracts from each page."""
    with pdf_document(data) as pdf:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def flat(text: str) -> str:
    """Extracted text without the line breaks pdfium puts between drawn lines."""
    return re.sub(r"\s+", " ", text)


def save_png(data: bytes, name: str, scale: float = 2.0) -> Path | None:
    """Page 1 as a PNG under test-artifacts/ (MPX_TEST_ARTIFACTS=1), for a person to look at."""
    if not os.environ.get("MPX_TEST_ARTIFACTS"):
        return None
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    with pdf_document(data) as pdf:
        image = pdf[0].render(scale=scale).to_pil()
    path = folder / name
    image.save(path)
    return path


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def yokohama(owner, make_building, make_component):
    """A building in Yokohama with Japanese and Chinese component names."""
    building = make_building(owner, name="横浜市庁舎", city="横浜", country="JP")
    made = [
        make_component(building, name=name, storey="1階")
        for name in (*JAPANESE, *CHINESE, "Oak door")
    ]
    return building, made


def test_a_sheet_of_japanese_and_chinese_names_decodes_and_extracts_intact(
    client, login, owner, yokohama
):
    building, made = yokohama
    login(owner)
    response = get_pdf(client, building, layout="l7160")
    assert response.status_code == 200
    save_png(response.data, "labels-ja.png")

    per_label = decoded_per_label(response.data, "l7160")
    assert sorted(u for u in per_label if u) == sorted(url(c.tag) for c in made)
    text = flat(" ".join(page_texts(response.data)))
    for name in (*JAPANESE, *CHINESE, "横浜市庁舎", "1階", "Oak door"):
        assert name in text
    assert CJK_FONT in response.data


def test_a_latin_sheet_keeps_its_fonts(client, login, owner, make_building, make_component):
    building = make_building(owner, name="Katrinedals Skole", city="København")
    make_component(building, name="Mursten, facade nord", storey="Stueetage")
    login(owner)
    data = get_pdf(client, building, layout="l7160").data
    assert LATIN_FONT in data and CJK_FONT not in data
    assert "Mursten, facade nord" in flat(page_texts(data)[0])


def test_a_latin_sheet_read_in_japanese_is_set_in_the_cjk_font(
    client, login, owner, make_building, make_component
):
    building = make_building(owner, name="Brummen town hall")
    make_component(building, name="Oak door")
    login(owner)
    response = client.get(
        f"/buildings/{building.id}/labels.pdf?layout=l7160", headers={"Accept-Language": "ja"}
    )
    assert response.status_code == 200 and CJK_FONT in response.data


def test_the_passport_in_japanese_has_japanese_headings_and_names(client, login, owner, yokohama):
    building, _made = yokohama
    login(owner)
    response = client.get(
        f"/buildings/{building.id}/passport.pdf", headers={"Accept-Language": "ja"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    save_png(response.data, "passport-ja.png")
    pages = [flat(t) for t in page_texts(response.data)]
    text = " ".join(pages)
    for heading in ("マテリアルパスポート", "データの完全性", "有害物質", "算定方法", "所在地"):
        assert heading in text
    for name in (*JAPANESE, *CHINESE, "横浜市庁舎"):
        assert name in text
    assert f"1 / {len(pages)} ページ" in pages[0]
    assert CJK_FONT in response.data and LATIN_FONT not in response.data


def test_the_passport_in_english_keeps_dejavu_and_its_words(
    client, login, owner, make_building, make_component
):
    building = make_building(owner, name="Brummen town hall")
    make_component(building, name="Oak door")
    login(owner)
    data = client.get(f"/buildings/{building.id}/passport.pdf").data
    first = flat(page_texts(data)[0])
    assert "MATERIALS PASSPORT" in first and "Data completeness" in first
    assert re.search(r"page 1 of \d+", first)
    assert LATIN_FONT in data and CJK_FONT not in data


def test_the_passport_in_english_of_a_japanese_building_switches_to_the_cjk_font(
    client, login, owner, yokohama
):
    building, _made = yokohama
    login(owner)
    data = client.get(f"/buildings/{building.id}/passport.pdf").data
    text = flat(" ".join(page_texts(data)))
    assert "Data completeness" in text and "レンガ壁 北側" in text
    assert CJK_FONT in data and LATIN_FONT not in data


def test_a_story_built_in_latin_fonts_with_cjk_text_is_drawn_in_the_cjk_font(app):
    """The safety net of documents whose builder chose no fonts (the dashboard report)."""
    with app.test_request_context("/"):
        fonts = pdfkit.fonts()
        assert fonts == pdfkit.latin_fonts()
        story = [
            pdfkit.paragraph("City of 北京", "title"),
            pdfkit.data_table(["Building", "City"], [["砖墙 building", "Beijing"]], [200, None]),
            pdfkit.families_drawing([{"family": "masonry", "mass_kg": 1200.0}]),
        ]
        assert isinstance(story[1], Table)
        data = pdfkit.render_pdf(story, heading="REPORT", running_title="北京", footer="x")
    text = flat(" ".join(page_texts(data)))
    assert "City of 北京" in text and "砖墙 building" in text
    assert CJK_FONT in data


def test_label_symbols_are_those_of_the_qr_images():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    rng = random.Random(7)
    data = [f"https://mpx.test/t/{''.join(rng.choices(alphabet, k=10))}" for _ in range(60)]
    data += ["x", "x" * 200, "https://mpx.example.org/t/" + "é" * 30, "12345678901234567890"]
    for text in data:
        width, cells = qr._symbol(text)
        expected = np.frombuffer(cells, dtype=np.uint8).reshape(width, width) == 0
        got = symbol(text)
        assert got.shape == expected.shape and (got == expected).all(), text
        assert dark_runs(got) == qr.dark_runs(text)
