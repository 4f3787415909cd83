"""The dashboard's charts for everyone (WCAG 2.1 AA): each has a name, its figures in a table
next to it, colours with enough contrast, and statuses said in words, not only in colour; and
the dashboard in the reader's language (page, CSV header, PDF)."""

import csv
import io
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pytest
from reportlab.pdfbase import pdfmetrics

from passports.documents.charts import DEFAULT_COLOUR
from passports.documents.charts import FAMILY_COLOURS
from passports.documents.charts import GRID
from passports.documents.charts import INK
from passports.documents.charts import MUTED
from passports.documents.charts import QUALITY_COLOURS
from passports.documents.charts import SEPARATOR
from passports.documents.charts import STATUS_COLOURS
from passports.documents.charts import contrast_ratio
from passports.documents.charts import relative_luminance
from passports.documents.pdfkit import fonts

WHITE = "#ffffff"
# The grounds a chart is drawn on: cards and stats (white), figures on the building page.
GROUNDS = (WHITE, "#fbfcfb")


# ------------------------------------------------------------------ contrast, pure functions
@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        ("#000", "#fff", 21.0),  # the largest contrast there is
        ("#fff", "#000", 21.0),  # the order does not matter
        ("#777777", "#ffffff", 4.48),  # just under AA for text (a well-known near miss)
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#808080", "#000000", 5.32),  # L = ((128/255 + 0.055) / 1.055) ** 2.4 = 0.2159
        ("#2e7d5b", "#2e7d5b", 1.0),  # a colour on itself
    ],
)
def test_contrast_ratio_against_hand_checked_vectors(foreground, background, ratio):
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.005)


def test_relative_luminance_ends_and_middle():
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    # Pure green weighs 0.7152 (the eye's sensitivity), red 0.2126, blue 0.0722.
    assert relative_luminance("#00ff00") == pytest.approx(0.7152)
    assert relative_luminance("#f00") == pytest.approx(0.2126)


@pytest.mark.parametrize(
    ("name", "colour"),
    [
        *((f"family {k}", v) for k, v in FAMILY_COLOURS.items()),
        *((f"status {k}", v) for k, v in STATUS_COLOURS.items()),
        *((f"data {k}", v) for k, v in QUALITY_COLOURS.items()),
        ("default", DEFAULT_COLOUR),
    ],
)
def test_every_bar_colour_stands_out_from_the_page_and_its_track(name, colour):
    """Graphical objects: 3:1 against what they touch (WCAG 2.1 SC 1.4.11): the page, the
    grey track behind a bar, and the white separator between stacked segments."""
    for ground in (*GROUNDS, GRID, SEPARATOR):
        assert contrast_ratio(colour, ground) >= 3.0, (name, colour, ground)


def test_chart_text_is_readable():
    """Labels and axis numbers: 4.5:1 on the grounds they are written on (SC 1.4.3)."""
    for text in (INK, MUTED):
        for ground in GROUNDS:
            assert contrast_ratio(text, ground) >= 4.5, (text, ground)


# ------------------------------------------------------------------ the pages
class _Page(HTMLParser):
    """The charts of a page, each with the figure around it: its caption and table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts: list[dict] = []
        self.svg_texts: list[list[str]] = []
        self._figures: list[dict] = []
        self._stack: list[str] = []
        self._in_svg_text = False
        self._stat: dict | None = None
        self.stats: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append(tag)
        if tag == "figure":
            self._figures.append({"caption": "", "cells": [], "charts": []})
        elif tag == "div" and "stat" in (a.get("class") or "").split():
            self._stat = {"text": "", "charts": [], "depth": len(self._stack)}
        elif tag == "svg":
            chart = {"role": a.get("role"), "label": a.get("aria-label") or ""}
            self.charts.append(chart)
            self.svg_texts.append([])
            if self._figures:
                self._figures[-1]["charts"].append(chart)
            elif self._stat is not None:
                self._stat["charts"].append(chart)
        elif tag == "text":
            self._in_svg_text = True

    def handle_endtag(self, tag):
        if tag == "figure":
            figure = self._figures.pop()
            for chart in figure["charts"]:
                chart.update(caption=figure["caption"].strip(), cells=figure["cells"])
        elif tag == "div" and self._stat is not None and self._stat["depth"] == len(self._stack):
            for chart in self._stat["charts"]:
                chart.update(stat=self._stat["text"])
            self.stats.append(self._stat)
            self._stat = None
        elif tag == "text":
            self._in_svg_text = False
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_svg_text and self.svg_texts:
            self.svg_texts[-1].append(data.strip())
        if self._figures:
            figure = self._figures[-1]
            if "figcaption" in self._stack:
                figure["caption"] += data
            elif {"td", "th"} & set(self._stack) and data.strip():
                figure["cells"].append(data.strip())
        if self._stat is not None and "svg" not in self._stack:
            self._stat["text"] += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def town_hall(owner, make_building, make_component, material_id):
    building = make_building(owner, name="Brummen town hall", city="Brummen")
    make_component(
        building,
        name="Facing brick",
        quantity=20.0,
        unit="t",
        status="in_storage",
        materials=[{"material_id": material_id("facing-brick"), "fraction": 1.0}],
    )
    make_component(
        building,
        name="Glulam beams",
        quantity=10.0,
        unit="t",
        materials=[{"material_id": material_id("glulam"), "fraction": 1.0}],
    )
    return building


def test_every_chart_has_a_name_and_its_figures_in_a_table(client, db, owner, town_hall, login):
    login(owner)
    for path in ("/dashboard/organisation", "/dashboard/cities/Brummen"):
        page = _parse(client.get(path).get_data(as_text=True))
        # urban mine, lifecycle, activity, data, 2 scales; a city: its future supply too
        assert len(page.charts) == (7 if "cities" in path else 6), path
        for chart in page.charts:
            assert chart["role"] == "img" and chart["label"].strip(), chart
            if "stat" in chart:
                # A score scale: its reading is in its name and printed beside it.
                value = chart["label"].split(": ")[-1].split(" ")[0]
                assert value in chart["stat"], chart
                assert "on a scale from 0 to 1" in chart["label"]
            else:
                assert chart["caption"], chart  # <figure> named by its <figcaption>
                assert chart["cells"], chart  # and its table
        by_label = {c["label"]: c for c in page.charts}
        mine = by_label["Urban mine: mass by material family"]["cells"]
        # Masonry 20 t and timber 10 t, as the page formats masses.
        assert mine[mine.index("Masonry") + 1] == "20.0 t"
        assert mine[mine.index("Timber") + 1] == "10.0 t"
        life = by_label["Mass (and number of components) in each lifecycle status"]["cells"]
        assert life[life.index("In storage") : life.index("In storage") + 3] == [
            "In storage",
            "1",
            "20.0 t",
        ]
        data = by_label["Share of the mass by data completeness"]["cells"]
        assert data[:4] == ["Data", "Mass", "Share of the mass", "Full data"]
        # Brick and glulam from the library rest on its documented defaults.
        assert data[data.index("Defaults") : data.index("Defaults") + 3] == [
            "Defaults",
            "30.0 t",
            "100%",
        ]
        activity = by_label["Events recorded per month"]["cells"]
        assert activity[:2] == ["Month", "Events"] and len(activity) == 2 + 2 * 12


def test_an_empty_dashboard_names_its_charts_and_says_there_is_nothing_yet(
    client, db, make_user, login
):
    login(make_user("buyer"))  # an organisation without buildings
    html = client.get("/dashboard/organisation").get_data(as_text=True)
    page = _parse(html)
    assert len(page.charts) == 6 and all(c["role"] == "img" and c["label"] for c in page.charts)
    scales = [c["label"] for c in page.charts if "stat" in c]
    assert scales == [
        "Average Material Circularity Indicator (by mass): not known yet",
        "Average disassembly score (by mass): not known yet",
    ]
    assert "No data yet." in html
    for path in ("/dashboard/organisation/report.pdf", "/dashboard/organisation/export.csv"):
        assert client.get(path).status_code == 200, path


def test_a_status_is_said_in_words_not_only_in_colour(client, db, owner, town_hall, login):
    login(owner)
    html = client.get("/dashboard/organisation").get_data(as_text=True)
    page = _parse(html)
    life = next(
        texts
        for chart, texts in zip(page.charts, page.svg_texts, strict=True)
        if chart["label"].startswith("Mass (and number")
    )
    # Every coloured bar is labelled with its status.
    for status in ("Installed", "In storage", "Reinstalled", "Disposed of"):
        assert status in life
    legend = next(
        texts
        for chart, texts in zip(page.charts, page.svg_texts, strict=True)
        if chart["label"].startswith("Share of the mass")
    )
    assert any(t.startswith("Full data") for t in legend)
    assert any(t.startswith("No material") for t in legend)
    # The buildings' status badges carry the status's word.
    assert '<span class="badge status-in_use">In use</span>' in html


def test_a_building_page_says_what_reuse_avoided(client, db, owner, town_hall, login):
    login(owner)
    html = client.get(f"/buildings/{town_hall.id}").get_data(as_text=True)
    assert "avoided by reusing what left this building (nothing collected yet)" in html


# ------------------------------------------------------------------ in the reader's language
def _prints_japanese(app, headers) -> bool:
    """True when the documents' font for a Japanese page has Japanese glyphs."""
    with app.test_request_context(headers=headers):
        font = pdfmetrics.getFont(fonts().regular)
    return ord("デ") in getattr(getattr(font, "face", None), "charToGlyph", {})


def test_the_dashboard_in_dutch_and_japanese(app, client, db, owner, town_hall, login):
    login(owner)
    nl = {"Accept-Language": "nl"}
    html = client.get("/dashboard/organisation", headers=nl).get_data(as_text=True)
    assert '<html lang="nl"' in html
    assert "Urban mine: massa per materiaalfamilie" in html
    assert "Toon de cijfers als tabel" in html
    exported = client.get("/dashboard/organisation/export.csv", headers=nl)
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Onderdeel", "Post", "Grootheid", "Waarde", "Eenheid"]

    ja = {"Accept-Language": "ja"}
    html = client.get("/dashboard/", headers=ja).get_data(as_text=True)
    assert "ダッシュボード" in html and "マテリアルパスポートのある建物" in html
    html = client.get("/dashboard/organisation", headers=ja).get_data(as_text=True)
    assert "表で数値を表示" in html
    report = client.get("/dashboard/organisation/report.pdf", headers=ja)
    assert report.status_code == 200
    pdf = pdfium.PdfDocument(report.data)
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    # Its headings are Japanese, printed in the documents' font for Japanese.
    assert "Data completeness" not in text and "How the figures are made" not in text
    if _prints_japanese(app, ja):
        assert "データの完全性" in text and "数値の算出方法" in text


def test_the_api_keeps_its_keys_and_answers_in_the_callers_language(client, db, owner, token_for):
    headers = {**token_for(owner), "Accept-Language": "de"}
    missing = client.get("/api/v1/dashboard/cities/Atlantis", headers=headers)
    assert missing.status_code == 404
    assert {"code", "status", "message", "errors"} <= set(missing.json)  # the one error shape
    assert missing.json["message"] == "Keine Gebäude in dieser Stadt."
    figures = client.get("/api/v1/dashboard/organisation", headers=headers).json
    assert {"urban_mine", "lifecycle", "co2_avoided"} <= set(figures)
