"""CPV labels in the reader's language where we carry a translation, otherwise in English
marked "(EN)"; the API and exports keep the English label."""

import csv
from pathlib import Path

import pytest
from flask_babel import refresh

from passports.cpv import cpv_caption
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.cpv import cpv_label_in
from passports.cpv import cpv_translations
from passports.cpv import local_cpv_label

DATA = Path(__file__).resolve().parents[2] / "passports" / "data"
LOCALES = ("nl", "da", "de", "ja", "zh_Hans")


def test_the_translations_file_says_where_its_labels_come_from():
    header = [
        line
        for line in (DATA / "cpv_translations.csv").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]
    text = " ".join(header)
    assert "Source:" in text and "213/2008" in text and "not the official text" in text


def test_every_translated_code_is_ours_and_has_every_language():
    for code, labels in cpv_translations().items():
        assert code in cpv_codes(), code
        assert sorted(labels) == sorted(LOCALES), code
        assert all(label.strip() for label in labels.values()), code


def test_every_division_group_class_and_material_code_is_translated():
    with (DATA / "materials.csv").open(encoding="utf-8", newline="") as fh:
        wanted = {row["cpv_code"] for row in csv.DictReader(fh)}
    wanted |= {code for code in cpv_codes() if len(code[:8].rstrip("0")) <= 4}
    assert wanted - set(cpv_translations()) == set()


@pytest.mark.parametrize(
    ("locale", "bricks", "works"),
    [
        ("en", "Bricks", "Construction work"),
        ("nl", "Bakstenen", "Bouwwerkzaamheden"),
        ("da", "Mursten", "Bygge- og anlægsarbejder"),
        ("de", "Ziegelsteine", "Bauarbeiten"),
        ("ja", "れんが", "建設工事"),
        ("zh_Hans", "砖", "建筑工程"),
    ],
)
def test_a_code_we_translate_is_shown_in_the_readers_language(locale, bricks, works):
    assert local_cpv_label("44111100-2", locale) == bricks
    assert local_cpv_label("45000000-7", locale) == works
    assert cpv_caption("44111100-2", locale) == f"44111100-2 – {bricks}"


def test_a_code_we_do_not_translate_is_english_marked_as_such():
    assert local_cpv_label("44111200-3", "nl") == "Cement (EN)"
    assert cpv_caption("44163130-0", "de") == "44163130-0 – Abwasserrohre"
    assert cpv_caption("44111200-3", "ja") == "44111200-3 – Cement (EN)"
    assert cpv_caption("44111200-3", "en") == "44111200-3 – Cement"
    assert cpv_label_in("44111200-3", "da") == ("Cement", "en")
    assert cpv_label_in("44111100-2", "da") == ("Mursten", "da")


def test_a_code_that_is_not_ours_has_no_label():
    assert local_cpv_label("99999999-9", "nl") == ""
    assert cpv_caption("99999999-9", "nl") == "99999999-9"


def test_the_page_language_is_the_default_and_the_api_label_stays_english(app):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        refresh()
        assert local_cpv_label("44114000-2") == "Beton"
        assert cpv_label_in("44111100-2") == ("Mursten", "da")
        assert cpv_label("44111100-2") == "Bricks"
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        assert cpv_caption("44114000-2") == "44114000-2 – 混凝土"
    assert local_cpv_label("44114000-2") == "Concrete"  # outside a request: English
