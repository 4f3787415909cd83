"""Rows without an id that look like components already in the building.

A spreadsheet without `external_id` (or IFC GlobalId) has no key to match on, so uploading the
same inventory twice would add every component a second time. A row whose name, storey and
quantity (with its unit) are those of a live component of the building is a lookalike: the
report says how many rows and which, and whoever imports chooses what they are:

- ``update``: the matching components take the row's values (a change, or no change), as a
  keyed row would;
- ``add``: the rows are new components all the same (two identical doors are two doors).

Without a choice a dry run reports the rows as new ones and asks. Each component answers one
row at most (three identical rows match three identical components, in the order of their ids),
and a component matched by a row's own key is nobody's lookalike. Names and storeys are
compared without regard to case and runs of spaces.
"""

from collections import defaultdict
from collections import deque

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from passports.models import Component

UPDATE, ADD = "update", "add"
CHOICES = (UPDATE, ADD)


def _words(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def lookalike_key(name, storey, quantity, unit) -> tuple:
    """What a row and a component must share to look alike."""
    return (_words(name), _words(storey), unit, round(float(quantity or 0), 6))


class Lookalikes:
    """The live components of a building by lookalike key, each to be claimed once."""

    def __init__(self, building_id: int):
        self.building_id = building_id
        self._free: dict[tuple, deque[int]] | None = None
        self._key_of: dict[int, tuple] = {}

    def _load(self) -> dict[tuple, deque[int]]:
        if self._free is None:
            self._free = defaultdict(deque)
            rows = db.session.execute(
                select(Component.id, Component.name, Component.storey)
                .add_columns(Component.quantity, Component.unit)
                .where(Component.building_id == self.building_id, Component.archived_at.is_(None))
                .order_by(Component.id)
            )
            for cid, name, storey, quantity, unit in rows:
                key = lookalike_key(name, storey, quantity, unit)
                self._free[key].append(cid)
                self._key_of[cid] = key
        return self._free

    def claim(self, data: dict) -> int | None:
        """The id of a not yet claimed component that looks like this row, or None."""
        free = self._load()
        key = lookalike_key(data["name"], data.get("storey"), data["quantity"], data["unit"])
        ids = free.get(key)
        return ids.popleft() if ids else None

    def discard(self, component_id: int) -> None:
        """A component matched by a row's own key: no other row may take it."""
        key = self._key_of.get(component_id)
        if key is not None and self._free is not None and component_id in self._free[key]:
            self._free[key].remove(component_id)


def load_components(ids: list[int]) -> dict[int, Component]:
    """The components to update, with what a change compares (materials, hazards)."""
    if not ids:
        return {}
    query = (
        select(Component)
        .where(Component.id.in_(ids))
        .options(selectinload(Component.materials), selectinload(Component.hazards))
    )
    return {c.id: c for c in db.session.scalars(query)}
