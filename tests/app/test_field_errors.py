"""Field errors reach people in their language, marshmallow's own messages included: in the
API's 422 body (Accept-Language) and on form pages (the page's language), numbers in the
reader's notation."""

import re

import pytest
from flask_babel import refresh
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from app.messages import localize


def _in(app, language: str, messages):
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": language}):
        refresh()  # the fixture's application context would keep the last language
        return localize(messages)


def _marshmallow_errors(schema: Schema, data: dict) -> dict:
    with pytest.raises(ValidationError) as refused:
        schema.load(data)
    return refused.value.messages


class Sample(Schema):
    name = fields.String(required=True, validate=validate.Length(max=100))
    count = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    share = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
    kind = fields.String(validate=validate.OneOf(["brick", "steel"]))


def test_marshmallow_messages_are_translated_values_and_all(app):
    errors = _marshmallow_errors(
        Sample(), {"count": 0, "share": 0, "kind": "wood", "extra": 1, "name": "x" * 101}
    )
    ja = _in(app, "ja", errors)
    assert ja["count"] == ["1 以上 3,650 以下にしてください。"]
    assert ja["share"] == ["0 より大きくしてください。"]
    assert ja["kind"] == ["次のいずれかにしてください: brick, steel。"]
    assert ja["extra"] == ["不明な項目です。"]
    assert ja["name"] == ["最大の長さ 100 を超えています。"]
    nl = _in(app, "nl", errors)
    assert nl["count"] == ["Moet tussen 1 en 3.650 liggen (grenzen inbegrepen)."]
    # English stays marshmallow's wording, with the number grouped as people write it.
    en = _in(app, "en", errors)
    assert en["count"] == ["Must be greater than or equal to 1 and less than or equal to 3,650."]
    assert en["kind"] == ["Must be one of: brick, steel."]


def test_missing_and_nested_messages_and_text_already_translated(app):
    missing = _marshmallow_errors(Sample(), {})
    assert _in(app, "de", missing) == {"name": ["Dieses Feld ist erforderlich."]}
    nested = {"materials": {0: {"fraction": ["Not a valid number."]}}, "_schema": ["Eigen"]}
    assert _in(app, "da", nested) == {
        "materials": {0: {"fraction": ["Ikke et gyldigt tal."]}},
        "_schema": ["Eigen"],
    }
    # Translating twice changes nothing: a message already in the reader's language stays.
    once = _in(app, "zh-CN", missing)
    assert _in(app, "zh-CN", once) == once == {"name": ["此字段为必填项。"]}


def test_an_api_422_answers_in_the_language_asked_for(client):
    response = client.post(
        "/api/v1/auth/tokens",
        json={"email": "someone@example.org"},
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["password"] == ["必須項目です。"]
    assert (
        response.json["message"]
        == "入力内容の一部が正しくありません。修正してから、もう一度お試しください。"
    )
    assert response.json["status"] == "Unprocessable Entity"  # a code: stays English
    english = client.post("/api/v1/auth/tokens", json={"email": "someone@example.org"})
    assert english.json["errors"]["json"]["password"] == ["Missing data for required field."]


def test_unknown_fields_and_wrong_types_in_another_language(client, make_user, token_for):
    headers = {**token_for(make_user("owner")), "Accept-Language": "da-DK"}
    response = client.post(
        "/api/v1/buildings",
        json={"name": "Skole", "year_built": "1970", "colour": "red"},
        headers=headers,
    )
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert errors["year_built"] == ["Ikke et gyldigt heltal."]
    assert errors["colour"] == ["Ukendt felt."]


def test_a_form_page_shows_the_missing_field_in_dutch(client, login, make_user):
    login(make_user("owner"))
    page = client.submit(
        "/buildings/new", {"city": "Brummen", "country": "NL"}, headers={"Accept-Language": "nl"}
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert '<p class="field-error" id="name-error">Dit veld is verplicht.</p>' in html
    assert re.search(
        r'<input id="name"[^>]*aria-invalid="true"[^>]*aria-describedby="name-error"', html
    )
    assert "Missing data for required field." not in html


def test_the_token_form_shows_marshmallow_messages_in_the_page_language(client, login, make_user):
    login(make_user("owner"))
    client.submit(
        "/language", {"locale": "nl", "return_to": "/account/tokens"}, page="/account/tokens"
    )
    wrong = client.submit("/account/tokens", {"name": "tablet", "expires_in_days": "abc"})
    assert wrong.status_code == 422
    assert "Geen geldig geheel getal." in wrong.get_data(as_text=True)
    too_long = client.submit("/account/tokens", {"name": "tablet", "expires_in_days": "9999"})
    html = too_long.get_data(as_text=True)
    assert "Moet tussen 1 en 3.650 liggen (grenzen inbegrepen)." in html
    assert 'role="alert"' in html and "Verbeter de gemarkeerde velden." in html
