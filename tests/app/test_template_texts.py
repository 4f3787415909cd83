"""Every text a template shows is marked for translation: no words are left in a template's HTML
outside `{{ _("...") }}`, `{{ ngettext(...) }}` or `{% trans %}` (attributes people read, such as
title, alt, aria-label and placeholder, included)."""

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for package in ("app", "passports", "marketplace", "dashboard", "mine")
    for path in (ROOT / package).rglob("templates/**/*.html")
)
# What Jinja computes stands in the HTML as this private-use character: it is no word.
HOLE = "\ue000"
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}
# Names and codes written the same in every language the app ships.
SAME_IN_EVERY_LANGUAGE = {
    "MPX",
    "API",
    "CSV",
    "XLSX",
    "IFC",
    "JSON",
    "QR",
    "PDF",
    "OCDS",
    "CO₂",
    "CO2",
    "CO2e",
    "GTIN",
    "GIAI",
    "CPV",
    "MCI",
    "URL",
    "GS1",
    "UNTP",
    "ID",
    "OpenAPI",
    "Swagger",
    "UI",
    "ISO",
    "L7160",
    "kg",
    "t",
    "m",
    "m²",
    "m³",
    "mm",
    "km",
    "h",
    "e",
    "g",
    "ICE",
    "GLN",
    "EPD",
    "SVG",
    "PNG",
    "Excel",
    "DD",
    "MM",
    "YYYY",
    "UTC",
    # Passports: a GUID, units of density and carbon, EN 15804 modules, the tag's pattern.
    "GUID",
    "kg/m³",
    "kgCO₂e/kg",
    "A1–A3",
    "A1-A3",
    "XXXX-XXXX-XXXX",
    "GlobalId",
    "SHA-256",
    # The IDS check of an IFC import: the standards' names.
    "IDS",
    "HTML",
    "BCF",
}


def _html(path: Path) -> str:
    """The template's HTML with every Jinja tag, expression and comment replaced by HOLE."""
    pieces, computed = [], False
    for _line, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(path.read_text()):
        if kind == "data":
            pieces.append(value)
            computed = False
        elif not computed:
            pieces.append(HOLE)
            computed = True
    return "".join(pieces)


def _words(text: str) -> list[str]:
    found = []
    for word in re.split(r"[\s" + HOLE + r"]+", text):
        word = word.strip(".,:;·()[]{}!?\"'–—-→←×/|*+=#%<>&")
        if (
            word
            and word not in SAME_IN_EVERY_LANGUAGE
            and any(unicodedata.category(char).startswith("L") for char in word)
        ):
            found.append(word)
    return found


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.found += _words(value)
            if name == "value" and tag == "input" and ("type", "submit") in attrs and value:
                self.found += _words(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found += _words(data)


def unmarked(path: Path) -> list[str]:
    parser = _Texts()
    parser.feed(_html(path))
    parser.close()
    return parser.found


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_holds_no_text_unmarked_for_translation(path):
    assert unmarked(path) == []


def test_the_checker_finds_words_in_text_and_attributes(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<p>Page {{ n }} of {{ m }}</p><img alt="A label" src="x">'
        '<option {% if a %}selected{% endif %}>{{ _("Fine") }}</option>'
        "<script>const words = 'not for people';</script><span>CO₂ · 12 kg</span>"
    )
    assert unmarked(page) == ["Page", "of", "A", "label"]
