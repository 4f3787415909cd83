"""Builders shared by the bundle tests: sellers' listings at given places, and a buyer's
wanted request written directly."""

import pytest

from marketplace.models import WantedRequest


@pytest.fixture
def seller_listing(db, make_user, make_building, make_lot, make_listing):
    """A published listing of `quantity` pieces (25 kg each) by a new seller (or `owner`),
    collected at (lat, lon)."""

    def build(quantity, lat=52.0, lon=5.0, owner=None, **fields):
        owner = owner or make_user("owner")
        building = make_building(owner, latitude=lat, longitude=lon)
        lot = make_lot(owner, count=1, quantity=quantity, building=building)
        return make_listing(owner, lot=lot, **fields)

    return build


@pytest.fixture
def make_wanted(db):
    """A buyer's open wanted request, written directly."""

    def build(user, quantity=20.0, unit="pcs", lat=52.0, lon=5.0, **fields):
        wanted = WantedRequest(
            organisation_id=user.organisation_id,
            created_by_id=user.id,
            title="Interior doors for the school",
            quantity=quantity,
            unit=unit,
            latitude=lat,
            longitude=lon,
            **fields,
        )
        db.session.add(wanted)
        db.session.commit()
        return wanted

    return build
