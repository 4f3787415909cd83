"""The demand side from the command line, on the demo world: the open requests, what serves
them best first, and the bundles across sellers that would cover one."""

import pytest
from sqlalchemy import select

from marketplace.models import Bundle
from marketplace.models import WantedRequest
from marketplace.services import cancel_reservation


@pytest.fixture
def demo_world(runner):
    for command in (["demo", "load"], ["exchange", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    return result.output


def _request(db, title_start: str) -> WantedRequest:
    return db.session.scalar(
        select(WantedRequest).where(WantedRequest.title.like(title_start + "%"))
    )


def test_the_demo_says_what_it_loaded(demo_world):
    assert "3 wanted requests, 1 bundle." in demo_world
    assert "bundle    50 pcs of doors from 2 sellers" in demo_world


def test_open_requests_and_their_matches(runner, db, demo_world):
    listed = runner.invoke(args=["exchange", "wanted"])
    assert listed.exit_code == 0, listed.output
    assert "Interior doors for Katrinedals Skole" in listed.output
    assert "Københavns Kommune, needed by 2027-09-30" in listed.output
    bricks = _request(db, "Yellow facing brick")
    found = runner.invoke(args=["exchange", "matches", str(bricks.id)])
    assert found.exit_code == 0, found.output
    # 148 m³ of brick, 60 reserved by the school: 40 of the 88 left serve the request.
    assert "covers 40 of 88 m3" in found.output
    assert "Yellow facing brick, 1962, lime mortar (4 facades) (Region Hovedstaden)" in found.output
    unknown = runner.invoke(args=["exchange", "matches", "999999"])
    assert unknown.exit_code != 0 and "No wanted request 999999" in unknown.output


def test_bundles_across_sellers_for_a_request(runner, db, demo_world):
    doors = _request(db, "Interior doors")
    taken = runner.invoke(args=["exchange", "bundles", str(doors.id)])
    # The demo's bundle took 24 + 26 doors: 14 ward doors are left, too few for 50.
    assert "No bundle of the listings on offer covers this request." in taken.output
    bundle = db.session.scalar(select(Bundle).where(Bundle.wanted_request_id == doors.id))
    for part in bundle.parts:
        cancel_reservation(part)
    db.session.commit()
    again = runner.invoke(args=["exchange", "bundles", str(doors.id)])
    assert again.exit_code == 0, again.output
    first = again.output.split("Bundle 2:")[0]
    assert "Bundle 1: 50 pcs from 2 sellers" in first
    assert "from Gemeente Brummen" in first and "from Region Hovedstaden" in first
