"""The exchange finds a material by its name in any shipped language: a listing of bricks is
found by "baksteen", "mursten", "Ziegel", "レンガ" and "砖", through the API and the page."""

import pytest

from marketplace.search import material_phrases
from marketplace.search import terms

BRICK_WORDS = ("baksteen", "mursten", "Ziegel", "レンガ", "砖", "metselsteen", "煉瓦", "砖块")


@pytest.fixture
def bricks_and_oak(db, make_user, make_lot, make_listing, material_id):
    """A published lot of reclaimed bricks and one of oak doors, titled in English."""
    seller = make_user("owner")
    bricks = make_lot(
        seller,
        quantity=12.0,
        unit="t",
        mass_kg=12_000.0,
        name="Brick lot",
        materials=[{"material_id": material_id("common-clay-brick"), "fraction": 1.0}],
    )
    brick_listing = make_listing(seller, lot=bricks, title="Reclaimed bricks from the town hall")
    oak_listing = make_listing(seller, title="Oak doors")
    return brick_listing, oak_listing


@pytest.mark.parametrize("word", BRICK_WORDS)
def test_a_search_for_brick_in_any_language_finds_the_brick_listing(
    client, make_user, token_for, bricks_and_oak, word
):
    brick_listing, _oak = bricks_and_oak
    response = client.get(
        "/api/v1/listings", query_string={"q": word}, headers=token_for(make_user("buyer"))
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [item["id"] for item in response.json["items"]] == [brick_listing.id]


@pytest.mark.parametrize("word", ("baksteen", "mursten", "Ziegel", "レンガ", "砖"))
def test_the_exchange_page_finds_bricks_by_their_name_in_any_language(
    client, login, make_user, bricks_and_oak, word
):
    login(make_user("buyer"))
    page = client.get("/exchange", query_string={"q": word}).get_data(as_text=True)
    assert "Reclaimed bricks from the town hall" in page
    assert "Oak doors" not in page


def test_a_material_word_in_another_language_narrows_with_the_other_words(
    client, make_user, token_for, bricks_and_oak
):
    headers = token_for(make_user("buyer"))

    def found(q: str) -> int:
        return client.get("/api/v1/listings", query_string={"q": q}, headers=headers).json["total"]

    assert found("baksteen town") == 1
    assert found("baksteen doors") == 0
    assert found("eiken") == 1  # Dutch for oak: sawn hardwood
    assert found("granit") == 0


def test_words_name_materials_by_name_alias_prefix_or_for_cjk_anywhere(app):
    brick = "common clay brick"
    (baksteen, ziegel, renga, zhuan, be, oak) = material_phrases(
        terms("baksteen Ziegel レンガ 砖 be oak")
    )
    assert brick in baksteen and brick in ziegel and brick in renga and brick in zhuan
    assert "facing brick clay" in renga  # 化粧れんが: the word is inside the name
    assert be == []  # too short to name anything by its beginning
    assert oak == ["sawn hardwood"]
    assert material_phrases([]) == []
