"""A large label sheet is drawn by a job: the form posts, its page shows progress, then the
download, for the user who asked only (the in-process runner; the queue: tests/app/test_jobs*)."""

import re
import time

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def sheet(app, owner_user, make_building, make_component):
    app.config["LABELS_AT_ONCE"] = 1  # two labels make a "large" sheet here
    building = make_building(owner_user, name="Brummen town hall")
    for storey in ("00 Ground", "01 First", "01 First"):
        make_component(building, storey=storey)
    return building


@pytest.fixture
def owner_user(make_user):
    return make_user("owner")


def _wait_done(client, status_url: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = client.get(status_url).get_json()
        if status["status"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError("the sheet job never ended")


def test_a_large_sheet_is_prepared_by_a_job_and_downloaded_by_its_owner_only(
    client, app, login, owner_user, make_user, sheet
):
    login(owner_user)
    page = client.get(f"/buildings/{sheet.id}/labels.pdf?layout=l7163&storey=01+First&outline=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'method="post"' in html and f'action="/buildings/{sheet.id}/labels/jobs"' in html
    assert "2 labels" in html  # the selection (01 First) is carried in the form

    # Without the CSRF token nothing starts.
    assert client.post(f"/buildings/{sheet.id}/labels/jobs", data={}).status_code == 400

    started = client.submit(
        f"/buildings/{sheet.id}/labels/jobs",
        {"layout": "l7163", "storey": "01 First", "outline": "1"},
        page=f"/buildings/{sheet.id}/labels.pdf?layout=l7163&storey=01+First",
    )
    assert started.status_code == 303
    job_url = started.headers["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    status = _wait_done(client, f"{job_url}/status")
    assert status["status"] == "done", status
    done_page = client.get(job_url).get_data(as_text=True)
    assert status["download"] in done_page
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert "labels-brummen-town-hall-l7163.pdf" in pdf.headers["Content-Disposition"]
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.data)) == 1
    pdf.close()

    # Anyone else, even an admin of another organisation, finds no such job.
    stranger = make_user("owner")
    other = app.test_client()
    other.submit("/login", {"email": stranger.email, "password": PASSWORD})
    for path in (job_url, f"{job_url}/status", status["download"]):
        assert other.get(path).status_code == 404, path
    assert job_id in status["download"]


def test_a_small_sheet_still_downloads_at_once(client, app, login, owner_user, sheet):
    login(owner_user)
    response = client.get(f"/buildings/{sheet.id}/labels.pdf?storey=00+Ground")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
