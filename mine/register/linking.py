"""Which passport building surveys which register entry: the one home of the linking rule.

A passport building (not archived) matches a register entry of organisation O when the
building belongs to O or stands in one of the cities of O's register (the same city name),
and either

1. its `register_id` equals the entry's register id, or
2. its address equals the entry's, normalised (lower case, accents kept, punctuation and
   runs of spaces folded, "straat"/"str." and similar abbreviations left as written), and its
   coordinates lie within MATCH_METRES of the entry's (haversine distance).

A register id match wins over an address match. Each entry links at most one building and
each building at most one entry of the organisation. The rule runs at two moments: after a
register import is written (`link_organisation`, every building of the organisation and its
cities), and when a passport building is created or edited (`link_building`, connected to
passports' `building_saved` signal in mine.init_app). An entry whose building no longer
matches keeps its link only while it still matches: `link_organisation` recomputes them all.
"""

from __future__ import annotations

import math
import re
import unicodedata

from sqlalchemy import bindparam
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from mine.models import RegisterBuilding
from passports.models import Building

MATCH_METRES = 30.0
# Degrees of latitude per metre, for the bounding box around a building.
_DEG_PER_M = 1 / 111_320.0
_TABLE = RegisterBuilding.__table__


def normalise_address(address: str | None) -> str:
    """ "Kerkstraat  12-A, " -> "kerkstraat 12a": lower case, NFC, punctuation dropped,
    spaces folded, the house number's letter joined to it."""
    text = unicodedata.normalize("NFC", address or "").lower()
    text = re.sub(r"[.,;:/\\'\"()]", " ", text)
    text = re.sub(r"(\d)\s*-?\s*([a-z])\b", r"\1\2", text)
    return " ".join(text.split())


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def _match(organisation_id: int, building) -> int | None:
    """The register entry (id) of the organisation that this building matches, or None."""
    if building.register_id:
        found = db.session.scalar(
            select(_TABLE.c.id).where(
                _TABLE.c.organisation_id == organisation_id,
                _TABLE.c.register_id == building.register_id,
            )
        )
        if found:
            return found
    if building.latitude is None or building.longitude is None or not building.address:
        return None
    dlat = MATCH_METRES * _DEG_PER_M
    dlon = dlat / max(math.cos(math.radians(building.latitude)), 0.01)
    address = normalise_address(building.address)
    best = None
    for row in db.session.execute(
        select(_TABLE.c.id, _TABLE.c.address, _TABLE.c.latitude, _TABLE.c.longitude).where(
            _TABLE.c.organisation_id == organisation_id,
            _TABLE.c.latitude.between(building.latitude - dlat, building.latitude + dlat),
            _TABLE.c.longitude.between(building.longitude - dlon, building.longitude + dlon),
        )
    ):
        if normalise_address(row.address) != address:
            continue
        d = distance_m(building.latitude, building.longitude, row.latitude, row.longitude)
        if d <= MATCH_METRES and (best is None or d < best[0]):
            best = (d, row.id)
    return best[1] if best else None


def _candidates(organisation_id: int):
    """The passport buildings that may match the organisation's register."""
    cities = (
        select(_TABLE.c.city)
        .where(_TABLE.c.organisation_id == organisation_id, _TABLE.c.city != "")
        .distinct()
    )
    return db.session.execute(
        select(
            Building.id,
            Building.register_id,
            Building.address,
            Building.latitude,
            Building.longitude,
        ).where(
            Building.archived_at.is_(None),
            or_(Building.organisation_id == organisation_id, Building.city.in_(cities)),
        )
    ).all()


def link_organisation(organisation_id: int) -> int:
    """Recompute the links of the organisation's register; the number of linked entries."""
    links: dict[int, int] = {}
    for building in _candidates(organisation_id):
        entry = _match(organisation_id, building)
        if entry is not None and entry not in links:
            links[entry] = building.id
    current = dict(
        db.session.execute(
            select(_TABLE.c.id, _TABLE.c.building_id).where(
                _TABLE.c.organisation_id == organisation_id, _TABLE.c.building_id.is_not(None)
            )
        ).all()
    )
    changes = [
        {"_id": entry, "building_id": building}
        for entry, building in links.items()
        if current.get(entry) != building
    ] + [{"_id": entry, "building_id": None} for entry in current if entry not in links]
    if changes:
        db.session.connection().execute(
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("_id"))
            .values(building_id=bindparam("building_id")),
            changes,
        )
    return len(links)


def link_building(building: Building) -> int | None:
    """Link a passport building just created or edited to the register entry it matches (of
    its own organisation, or of an organisation whose register covers its city); the entry's
    id or None. A link it had to an entry it no longer matches is removed."""
    organisations = set(
        db.session.scalars(
            select(_TABLE.c.organisation_id)
            .where(
                or_(
                    _TABLE.c.organisation_id == building.organisation_id,
                    _TABLE.c.city == (building.city or "-"),
                )
            )
            .distinct()
        )
    )
    matched = None
    keep = []
    for organisation_id in sorted(organisations):
        entry = _match(organisation_id, building)
        if entry is not None:
            keep.append(entry)
            matched = matched or entry
    stale = select(_TABLE.c.id).where(_TABLE.c.building_id == building.id)
    if keep:
        stale = stale.where(_TABLE.c.id.not_in(keep))
    stale_ids = list(db.session.scalars(stale))
    connection = db.session.connection()
    if stale_ids:
        connection.execute(
            update(_TABLE).where(_TABLE.c.id.in_(stale_ids)).values(building_id=None)
        )
    if keep:
        connection.execute(
            update(_TABLE)
            .where(_TABLE.c.id.in_(keep), _TABLE.c.building_id.is_(None))
            .values(building_id=building.id)
        )
    return matched
