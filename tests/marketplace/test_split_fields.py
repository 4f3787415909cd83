"""A part split off a lot takes over every passport field of the lot: its share of the
amounts, none of the fields that name one physical item, the rest as they are."""

import pytest

from marketplace.transfer import split_component
from passports.models import AMOUNT_FIELDS
from passports.models import IDENTITY_FIELDS
from passports.models import PASSPORT_FIELDS
from tests.passports.test_passport_fields import lot_with_every_field


def test_a_part_split_off_a_lot_takes_every_passport_field(
    db, make_user, make_building, material_id
):
    lot = lot_with_every_field(db, make_building(make_user("owner")), material_id)
    before = {name: getattr(lot, name) for name in PASSPORT_FIELDS}
    part = split_component(lot, 10.0)
    db.session.commit()
    for name in PASSPORT_FIELDS:
        value = getattr(part, name)
        if name in AMOUNT_FIELDS:
            assert value == pytest.approx(before[name] / 4), name
            assert getattr(lot, name) == pytest.approx(before[name] * 3 / 4), name
        elif name in IDENTITY_FIELDS:
            assert value is None, name
        elif name == "mass_derivation":
            assert value == f"0.25 of lot {lot.tag}: {before[name]}"
        else:
            assert value == before[name], name
    assert part.split_from_id == lot.id and part.tag != lot.tag
