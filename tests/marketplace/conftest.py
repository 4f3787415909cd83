"""Builders for the exchange: a harvested lot in a building, published as a listing; and a real
local SMTP server for the emails it sends."""

import socket
import threading

import pytest

from marketplace import services
from marketplace.models import WantedRequest
from passports import services as passport_services


@pytest.fixture
def make_lot(db, make_building, make_component, material_id):
    """An owner's building with `count` harvested components of `quantity` each."""

    def build(
        owner, count=1, quantity=40.0, unit="pcs", status="in_storage", building=None, **component
    ):
        building = building or make_building(owner)
        parts = []
        for i in range(count):
            data = {
                "name": f"Oak door {i + 1}",
                "category": "door",
                "quantity": quantity,
                "unit": unit,
                "mass_kg": 25.0 * quantity,
                "condition": 4,
                "materials": [{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
                "status": status,
            }
            data.update(component)
            parts.append(make_component(building, **data))
        return building, parts

    return build


@pytest.fixture
def make_listing(db, make_lot):
    """A published listing of a lot: make_listing(owner, count=…, quantity=…, **fields)."""

    def build(owner, count=1, quantity=40.0, publish=True, lot=None, **fields):
        building, parts = lot or make_lot(owner, count=count, quantity=quantity)
        data = {
            "component_ids": [c.id for c in parts],
            "title": "Reclaimed oak doors",
            "price_basis": "free",
        }
        data.update(fields)
        listing = services.create_listing(owner, building, data)
        if publish:
            services.publish_listing(listing, owner)
        db.session.commit()
        return listing

    return build


@pytest.fixture
def passports():
    """The passport services, for tests that arrange components directly."""
    return passport_services


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port (aiosmtpd), collecting what it receives."""
    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.messages = []
            self.lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope):
            with self.lock:
                self.messages.append(envelope)
            return "250 Message accepted"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    collector.port = port
    yield collector
    controller.stop()


# Bundles (tests/marketplace/test_bundles.py, test_bundle_race.py): sellers' listings at given
# places, and a buyer's wanted request written directly.


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
def wanted_for(db):
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
