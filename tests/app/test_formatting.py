"""Numbers, quantities, money, percentages, dates and times are written for the page's language
(Babel, CLDR), and a form's number is read in it: hand-checked vectors per shipped language,
and a Dutch owner typing "1,5" in a form."""

from contextlib import contextmanager
from datetime import date
from datetime import datetime

import pytest
from flask_babel import refresh
from flask_login import login_user

from app.schema_fields import read_number
from app.templating import co2
from app.templating import date_text
from app.templating import datetime_text
from app.templating import input_number
from app.templating import kg
from app.templating import money
from app.templating import number
from app.templating import percent
from app.templating import quantity
from app.templating import unit
from app.templating import unknown

NBSP = "\xa0"
LANGUAGES = ("en", "nl", "da", "de", "ja", "zh-CN")


@pytest.fixture
def speaking(app):
    """A request in a language: `with speaking("nl"): ...`."""

    @contextmanager
    def enter(language: str):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # Babel keeps a language per application context, which the test shares.
            yield

    return enter


# (language, mass of 1,925,800 kg, 1234567.891 to two decimals, 1.5 m³, 12 pieces)
AMOUNTS = [
    ("en", "1,925.8 t", "1,234,567.89", "1.5 m³", "12 pcs"),
    ("nl", "1.925,8 t", "1.234.567,89", "1,5 m³", "12 st."),
    ("da", "1.925,8 t", "1.234.567,89", "1,5 m³", "12 stk."),
    ("de", "1.925,8 t", "1.234.567,89", "1,5 m³", "12 Stk."),
    ("ja", "1,925.8 t", "1,234,567.89", "1.5 m³", "12個"),
    ("zh-CN", "1,925.8 t", "1,234,567.89", "1.5立方米", "12件"),
]


@pytest.mark.parametrize(("language", "mass", "plain", "volume", "pieces"), AMOUNTS)
def test_amounts_are_written_as_the_language_writes_them(
    speaking, language, mass, plain, volume, pieces
):
    with speaking(language):
        assert kg(1_925_800) == mass
        assert number(1_234_567.891) == plain
        assert quantity(1.5, "m3") == volume
        assert quantity(12, "pcs") == pieces


def test_masses_below_a_tonne_are_in_kg_and_carbon_says_co2e(speaking):
    with speaking("en"):
        assert kg(850) == "850 kg"
        assert kg(999.6) == "1,000 kg"
        assert kg(1000) == "1.0 t"
        assert co2(70_200) == "70.2 t CO₂e"
        assert co2(412) == "412 kg CO₂e"
        assert number(2.50) == "2.5"
        assert number(7.0) == "7"
        assert number(1 / 3, 3) == "0.333"
        assert quantity(3, "m2") == "3 m²"
        assert quantity(2.25, "km") == "2.25 km"
        assert unit("m2") == "m²"
        assert unit("m3") == "m³"
    with speaking("de"):
        assert co2(70_200) == "70,2 t CO₂e"
        assert kg(850) == "850 kg"
        assert unit("pcs") == "Stk."


# (language, 1234.5 EUR, 1234.5 DKK, 1234 JPY, 99.9 CNY)
MONEY = [
    ("en", "€1,234.50", "DKK1,234.50", "JP¥1,234", "CN¥99.90"),
    ("nl", "€ 1.234,50", "DKK 1.234,50", "JP¥ 1.234", "CN¥ 99,90"),
    ("da", f"1.234,50{NBSP}€", f"1.234,50{NBSP}kr.", f"1.234{NBSP}JP¥", f"99,90{NBSP}CN¥"),
    ("de", f"1.234,50{NBSP}€", f"1.234,50{NBSP}DKK", f"1.234{NBSP}¥", f"99,90{NBSP}CN¥"),
    ("ja", "€1,234.50", "DKK1,234.50", "￥1,234", "元99.90"),
    ("zh-CN", "€1,234.50", "DKK1,234.50", "JP¥1,234", "¥99.90"),
]


@pytest.mark.parametrize(("language", "eur", "dkk", "jpy", "cny"), MONEY)
def test_money_is_written_in_its_own_currency_for_the_reader(
    speaking, language, eur, dkk, jpy, cny
):
    with speaking(language):
        # CLDR puts a no-break space between amount and symbol where the language has one.
        assert money(1234.5, "EUR").replace(NBSP, " ") == eur.replace(NBSP, " ")
        assert money(1234.5, "DKK").replace(NBSP, " ") == dkk.replace(NBSP, " ")
        assert money(1234, "JPY").replace(NBSP, " ") == jpy.replace(NBSP, " ")
        assert money(99.9, "cny").replace(NBSP, " ") == cny.replace(NBSP, " ")


@pytest.mark.parametrize(
    ("language", "share", "whole"),
    [
        ("en", "12.5%", "70%"),
        ("nl", "12,5%", "70%"),
        ("da", f"12,5{NBSP}%", f"70{NBSP}%"),
        ("de", f"12,5{NBSP}%", f"70{NBSP}%"),
        ("ja", "12.5%", "70%"),
        ("zh-CN", "12.5%", "70%"),
    ],
)
def test_shares_are_percentages_in_the_readers_writing(speaking, language, share, whole):
    with speaking(language):
        assert percent(0.125, 1) == share
        assert percent(0.7) == whole
        assert percent(0.704) == whole


# 13:05 UTC on 7 December 2026 and on 7 July 2026, seen from Amsterdam (CET, then CEST).
WINTER = datetime(2026, 12, 7, 13, 5)
SUMMER = datetime(2026, 7, 7, 13, 5)
TIMES = [
    ("en", "7 Dec 2026, 14:05 CET", "7 Jul 2026, 15:05 CEST", "7 Dec 2026"),
    ("nl", "7 dec 2026, 14:05 CET", "7 jul 2026, 15:05 CEST", "7 dec 2026"),
    ("da", "7. dec. 2026 14.05 CET", "7. jul. 2026 15.05 CEST", "7. dec. 2026"),
    ("de", "07.12.2026, 14:05 MEZ", "07.07.2026, 15:05 MESZ", "07.12.2026"),
    ("ja", "2026/12/07 14:05 GMT+01:00", "2026/07/07 15:05 GMT+02:00", "2026/12/07"),
    ("zh-CN", "2026年12月7日 14:05 GMT+01:00", "2026年7月7日 15:05 GMT+02:00", "2026年12月7日"),
]


@pytest.mark.parametrize(("language", "winter", "summer", "day"), TIMES)
def test_times_are_in_the_users_zone_with_the_zone(
    speaking, make_user, db, language, winter, summer, day
):
    user = make_user("owner")
    user.timezone = "Europe/Amsterdam"
    db.session.commit()
    with speaking(language):
        login_user(user)
        assert datetime_text(WINTER) == winter
        assert datetime_text(SUMMER) == summer
        assert date_text(date(2026, 12, 7)) == day
        assert date_text(WINTER) == day


def test_a_time_late_in_the_evening_utc_is_the_next_day_in_tokyo(speaking, make_user, db):
    user = make_user("owner")
    user.timezone = "Asia/Tokyo"
    db.session.commit()
    with speaking("ja"):
        login_user(user)
        assert datetime_text(datetime(2026, 12, 7, 22, 30)) == "2026/12/08 7:30 JST"
        assert date_text(datetime(2026, 12, 7, 22, 30)) == "2026/12/08"
    with speaking("en"):
        login_user(user)
        assert datetime_text(datetime(2026, 12, 7, 22, 30)) == "8 Dec 2026, 07:30 GMT+09:00"


def test_without_a_saved_zone_times_are_in_the_instances_zone(speaking):
    with speaking("en"):
        assert datetime_text(WINTER) == "7 Dec 2026, 13:05 UTC"
        assert datetime_text(WINTER, seconds=True) == "7 Dec 2026, 13:05:00 UTC"


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("en", "unknown"),
        ("nl", "onbekend"),
        ("da", "ukendt"),
        ("de", "unbekannt"),
        ("ja", "不明"),
        ("zh-CN", "未知"),
    ],
)
def test_an_unknown_value_is_the_word_unknown_never_zero(speaking, language, word):
    with speaking(language):
        assert unknown() == word
        for shown in (
            kg(None),
            co2(None),
            number(None),
            quantity(None, "m3"),
            money(None),
            percent(None),
            datetime_text(None),
            date_text(None),
        ):
            assert shown == word
        assert kg(0) == "0 kg"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "1234.5"), ("nl", "1234,5"), ("de", "1234,5"), ("ja", "1234.5")],
)
def test_a_stored_number_goes_back_into_a_field_as_the_reader_types_it(speaking, language, shown):
    with speaking(language):
        assert input_number(1234.5) == shown
        assert read_number(input_number(1234.5), "nl" if "," in shown else "en") == 1234.5
        assert input_number(12) == "12"
        assert input_number(None) == ""
        assert input_number(date(2027, 9, 30)) == "2027-09-30"
        assert input_number("1,5 typed") == "1,5 typed"


# (language, typed, read)
READINGS = [
    ("nl", "12,5", 12.5),
    ("nl", "1.234,5", 1234.5),
    ("nl", "1.234.567", 1_234_567),
    ("nl", "1 234,5", 1234.5),
    ("nl", "-0,25", -0.25),
    ("da", "12,5", 12.5),
    ("da", "1.234,5", 1234.5),
    ("de", "12,5", 12.5),
    ("de", "1.234,5", 1234.5),
    # What the app's own fields, browsers and devices send: a dot-decimal, never grouped.
    ("nl", "1.5", 1.5),
    ("nl", "0.125", 0.125),
    ("de", "52.09000", 52.09),
    ("en", "12.5", 12.5),
    ("en", "1,234.5", 1234.5),
    ("en", "1,234", 1234),
    ("en", "12,5", 12.5),
    ("ja", "1,234.5", 1234.5),
    ("zh_Hans", "0.8", 0.8),
]


@pytest.mark.parametrize(("language", "typed", "read"), READINGS)
def test_a_typed_number_is_read_in_the_users_language(speaking, language, typed, read):
    with speaking("en"):
        assert read_number(typed, language) == read


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("nl", "1.234", "Bedoelt u met “1.234” 1234 of 1,234?"),
        ("de", "2.125", "Meinen Sie mit „2.125“ 2125 oder 2,125?"),
        ("nl", "twaalf", "Voer een getal in, bijvoorbeeld 1234,5."),
        ("en", "1.234,5", "Enter a number, for example 1234.5."),
        ("ja", "abc", "数値を入力してください（例：1234.5）。"),
        ("en", "NaN", "Enter a number, for example 1234.5."),
        ("en", "1e999", "Enter a number, for example 1234.5."),
    ],
)
def test_an_ambiguous_or_bad_number_is_refused_in_the_users_language(
    speaking, language, typed, message
):
    with speaking(language.replace("_", "-")), pytest.raises(ValueError) as refused:
        read_number(typed, language)
    assert str(refused.value).startswith(message)


def test_a_dutch_owner_saves_a_volume_of_1_5_and_sees_1_5_m3(
    client, login, make_user, make_building, material_id, db
):
    owner = make_user("owner")
    building = make_building(owner)
    login(owner)
    dutch = {"Accept-Language": "nl"}
    form = {
        "name": "Gevel metselwerk",
        "category": "external_wall",
        "quantity": "12,5",
        "unit": "m2",
        "volume_m3": "1,5",
        "materials-0-material_id": str(material_id("common-clay-brick")),
        "materials-0-fraction": "1",
    }
    url = f"/buildings/{building.id}/components/new"
    response = client.submit(url, form, headers=dutch)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"], headers=dutch).get_data(as_text=True)
    assert "1,5 m³" in page
    assert "12,5 m²" in page

    from passports.models import Component

    component = db.session.get(Component, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert component.volume_m3 == 1.5
    assert component.quantity == 12.5


def test_a_dutch_owner_typing_an_ambiguous_volume_is_asked_what_they_mean(
    client, login, make_user, make_building, material_id
):
    owner = make_user("owner")
    building = make_building(owner)
    login(owner)
    response = client.submit(
        f"/buildings/{building.id}/components/new",
        {
            "name": "Gevel",
            "category": "external_wall",
            "quantity": "1",
            "unit": "pcs",
            "volume_m3": "1.250",
            "materials-0-material_id": str(material_id("common-clay-brick")),
            "materials-0-fraction": "1",
        },
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 422
    assert "1250 of 1,25?" in response.get_data(as_text=True)


def test_the_json_api_keeps_json_numbers(client, make_user, make_building, token_for):
    owner = make_user("owner")
    building = make_building(owner)
    response = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers={**token_for(owner), "Accept-Language": "nl"},
        json={"name": "Wall", "category": "external_wall", "quantity": "1,5", "unit": "m2"},
    )
    assert response.status_code == 422
    assert "quantity" in response.json["errors"]["json"]
