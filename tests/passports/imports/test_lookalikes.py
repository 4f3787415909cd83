"""Re-uploading an inventory without external_id: the preview says which rows are already in the
building (same name, storey and quantity) and asks; the commit updates those components or
adds the rows as new ones, as chosen, all or nothing. Also: headers in other languages, and the
report in the uploader's language."""

import io

from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import wait_until_done
from tests.passports.imports.test_pages import _csrf
from tests.passports.imports.test_pages import _stage_url
from tests.passports.imports.test_pages import _upload

HEADER = "name,category,storey,quantity,unit,materials,condition\n"
INVENTORY = HEADER + (
    'Brick wall north,external_wall,00,12.5,m3,"Common clay brick 85%; Lime mortar 15%",4\n'
    "Oak door,door,00,1,pcs,Sawn hardwood,3\n"
    "Oak door,door,01,1,pcs,Sawn hardwood,3\n"
)
# The same inventory a month later: the ground-floor door got worse, a window was added.
AGAIN = HEADER + (
    'Brick wall north,external_wall,00,12.5,m3,"Common clay brick 85%; Lime mortar 15%",4\n'
    "OAK  door,door,00,1,pcs,Sawn hardwood,2\n"
    "Oak door,door,01,1,pcs,Sawn hardwood,3\n"
    "Window,window,01,2,pcs,float-glass,4\n"
)


def _import(client, building, content: str, filename: str = "inventory.csv", **form) -> str:
    """Upload, wait for the preview, confirm with `form`; the stage's URL."""
    stage = _stage_url(_upload(client, building, content.encode(), filename))
    wait_until_done(client, stage + "/status")
    response = client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage), **form})
    assert response.status_code == 302
    wait_until_done(client, stage + "/status")
    return stage


def _preview(client, building, content: str) -> tuple[str, str]:
    stage = _stage_url(_upload(client, building, content.encode(), "again.csv"))
    wait_until_done(client, stage + "/status")
    return stage, client.get(stage).get_data(as_text=True)


def _by_storey_and_name(components) -> dict:
    return {(c.storey, c.name.casefold().replace("  ", " ")): c for c in components}


def test_the_preview_names_rows_already_in_the_building_and_asks(
    login, owner, building, components
):
    client = login(owner)
    _import(client, building, INVENTORY)
    assert len(components(building.id)) == 3

    stage, html = _preview(client, building, AGAIN)
    assert 'id="duplicates"' in html
    assert "3 rows are already in this building" in html
    assert "Rows: 2, 3, 4." in html
    assert 'name="duplicates" value="update" required' in html
    assert 'name="duplicates" value="add" required' in html
    assert "Update the 3 matching components with the rows' values (1 new in all)" in html
    assert "Add the rows as new components anyway (4 new in all)" in html
    warning = "3 rows match components already in this building by name, storey and quantity"
    assert f"{warning} (rows 2, 3, 4)" in html

    # Confirming without a choice writes nothing and says why.
    refused = client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage)})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#duplicates")
    page = client.get(stage).get_data(as_text=True)
    assert "choose whether to update those components or to add the rows as new ones" in page
    assert len(components(building.id)) == 3


def test_update_changes_the_matching_components_and_adds_the_rest(
    login, owner, building, components
):
    client = login(owner)
    _import(client, building, INVENTORY)
    before = _by_storey_and_name(components(building.id))

    stage = _import(client, building, AGAIN, "again.csv", duplicates="update")
    after = components(building.id)
    assert len(after) == 4
    now = _by_storey_and_name(after)
    door = now[("00", "oak door")]
    assert door.id == before[("00", "oak door")].id and door.condition == 2
    assert now[("01", "oak door")].id == before[("01", "oak door")].id
    assert ("01", "window") in now

    report = client.get(client.get(stage).headers["Location"]).get_data(as_text=True)
    assert "3 rows matched components already in the building" in report
    assert "and updated them" in report


def test_add_brings_the_rows_in_as_new_components(login, owner, building, components):
    client = login(owner)
    _import(client, building, INVENTORY)
    ids = {c.id for c in components(building.id)}

    stage = _import(client, building, AGAIN, "again.csv", duplicates="add")
    after = components(building.id)
    assert len(after) == 7 and ids < {c.id for c in after}
    assert [c.condition for c in after if c.id in ids] == [4, 3, 3]  # untouched
    report = client.get(client.get(stage).headers["Location"]).get_data(as_text=True)
    assert "were added as new ones all the same" in report


def test_each_component_answers_one_row(login, owner, building, components):
    client = login(owner)
    _import(client, building, HEADER + "Oak door,door,00,1,pcs,Sawn hardwood,3\n")
    twice = HEADER + "Oak door,door,00,1,pcs,Sawn hardwood,3\n" * 2
    _stage, html = _preview(client, building, twice)
    assert "1 row is already in this building" in html and "Row 2 has the same name" in html
    _import(client, building, twice, "twice.csv", duplicates="update")
    assert len(components(building.id)) == 2


def test_rows_with_an_external_id_are_matched_on_it_and_not_asked_about(
    login, owner, building, components
):
    client = login(owner)
    keyed = (
        "external_id," + HEADER.replace("\n", "") + "\nD-1,Oak door,door,00,1,pcs,Sawn hardwood,3\n"
    )
    _import(client, building, keyed)
    _stage, html = _preview(client, building, keyed)
    assert 'id="duplicates"' not in html and "Import 0 components" in html


def test_the_api_reports_lookalikes_and_takes_the_choice(post_import, building, components):
    assert post_import(INVENTORY.encode()).status_code == 201
    dry = post_import(AGAIN.encode(), dry_run=True).get_json()
    assert dry["duplicates"] == {
        "count": 3,
        "rows": [2, 3, 4],
        "rows_text": "rows 2, 3, 4",
        "choice": None,
    }
    assert dry["counts"]["created"] == 4
    done = post_import(AGAIN.encode(), headers=None, dry_run=False)
    assert done.status_code == 201  # without a choice the rows come in as new ones, as before
    assert len(components(building.id)) == 7


def test_the_api_updates_lookalikes_when_asked(client, auth, building, components):
    def post(content: str, **form):
        fields = {"file": (io.BytesIO(content.encode()), "inventory.csv"), **form}
        return client.post(
            f"/api/v1/buildings/{building.id}/imports", headers=auth, **multipart(fields)
        )

    assert post(INVENTORY).status_code == 201
    response = post(AGAIN, duplicates="update")
    assert response.status_code == 201
    body = response.get_json()
    assert body["duplicates"]["choice"] == "update"
    assert body["counts"] == {**body["counts"], "created": 1, "updated": 1, "unchanged": 2}
    assert len(components(building.id)) == 4
    assert post(AGAIN, duplicates="merge").status_code == 422


def test_headers_in_japanese_and_danish_are_read(post_import, building, components):
    japanese = "名称,数量（個）,単位,階,材料\n木製ドア,2,個,1階,Sawn hardwood\n"
    assert post_import(japanese.encode()).status_code == 201
    danish = "Navn;Mængde;Enhed;Etage\nMursten;12,5;m³;Stueetage\n"
    assert post_import(danish.encode(), filename="mursten.csv").status_code == 201
    made = {c.name: c for c in components(building.id)}
    assert (made["木製ドア"].quantity, made["木製ドア"].unit, made["木製ドア"].storey) == (
        2.0,
        "pcs",
        "1階",
    )
    assert (made["Mursten"].quantity, made["Mursten"].unit) == (12.5, "m3")


def test_the_report_speaks_the_uploaders_language(post_import, auth):
    bad = HEADER + "Wall,external_wall,00,abc,m3,brick,4\n"
    body = post_import(bad.encode(), headers={**auth, "Accept-Language": "ja"}).get_json()
    assert body["message"] == "インポートにエラーが 1 件あります。何も書き込んでいません。"
    assert (
        body["report"]["errors"][0]["text"] == "2 行目、列「quantity」: 数値ではありません：'abc'"
    )
    body = post_import(bad.encode(), headers={**auth, "Accept-Language": "nl"}).get_json()
    assert body["report"]["errors"][0]["text"] == "Rij 2, kolom 'quantity': geen getal: 'abc'"


def test_the_pages_of_an_import_in_dutch(login, owner, building):
    client = login(owner)
    upload = f"/buildings/{building.id}/imports"
    client.submit("/language", {"locale": "nl", "return_to": upload}, page=upload)
    page = client.get(upload).get_data(as_text=True)
    assert "Bouwdelen importeren" in page and "Uploaden en controleren" in page
    stage, html = _preview(client, building, HEADER + "Wall,external_wall,00,-2,m3,brick,4\n")
    assert "1 fout: er wordt niets weggeschreven tot die is opgelost" in html
    assert "Rij" in html
