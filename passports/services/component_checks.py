"""The checks a component must pass to be written, and its identity: content shares within
1, an external id unique in its building, a GTIN and serial registered once (checked before the
flush, and held by the unique constraint at it), and tags no component has had."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict
from app.errors import ConflictingInput
from app.extensions import db
from passports.gs1 import gtin_serial_taken_message
from passports.gs1 import normalize_gtin
from passports.models import Building
from passports.models import Component
from passports.tags import new_tag


def as_stored(data: dict) -> dict:
    """Validated data as columns store it: a GTIN as 14 digits, so no other zero padding can
    register the same GTIN and serial again."""
    if data.get("gtin") is not None:
        return {**data, "gtin": normalize_gtin(data["gtin"])}
    return data


def check_feedstock(component: Component) -> None:
    """Refuse recycled plus reused content, or end-of-life reuse plus recycling, above 1."""
    # The request alone was checked by the schema; here an edit meets the stored values.
    if (component.recycled_content or 0) + (component.reused_content or 0) > 1 + 1e-6:
        raise ConflictingInput(
            {"reused_content": [_("Recycled and reused content together cannot exceed 1.")]}
        )
    if (component.eol_reuse_fraction or 0) + (component.eol_recycle_fraction or 0) > 1 + 1e-6:
        raise ConflictingInput(
            {"eol_recycle_fraction": [_("End-of-life reuse and recycling cannot exceed 1.")]}
        )


def check_external_id(component: Component) -> None:
    """Refuse an external id another component of the building has."""
    if component.external_id is None:
        return
    taken = select(Component.id).where(
        Component.building_id == component.building.id,
        Component.external_id == component.external_id,
        Component.id != component.id if component.id is not None else true(),
    )
    if db.session.scalar(taken) is not None:
        raise ConflictingInput(
            {"external_id": [_("Another component of this building has this external id.")]}
        )


def taken_gtin_serials(
    organisation_id: int, pairs, *, ignore: tuple[int, ...] = ()
) -> dict[tuple[str, str], tuple[int, str]]:
    """The (GTIN, serial) pairs already registered to another component, each with that
    component's id and the message to answer. The tag is named only when the component belongs
    to `organisation_id` (the registering one): a refusal never discloses another's."""
    wanted = {(g, s) for g, s in pairs if g and s}
    taken: dict[tuple[str, str], tuple[int, str]] = {}
    items = sorted(wanted)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        # No autoflush: the component being checked may carry the very values in question.
        with db.session.no_autoflush:
            rows = db.session.execute(
                select(
                    Component.id,
                    Component.gtin,
                    Component.serial_number,
                    Component.tag,
                    Building.organisation_id,
                )
                .join(Building, Building.id == Component.building_id)
                .where(
                    Component.gtin.in_({g for g, _ in chunk}),
                    Component.serial_number.in_({s for _, s in chunk}),
                )
            ).all()
        for cid, gtin, serial, tag, owner_id in rows:
            if (gtin, serial) in wanted and cid not in ignore:
                visible = tag if owner_id == organisation_id else None
                taken[(gtin, serial)] = (cid, gtin_serial_taken_message(gtin, serial, visible))
    return taken


GTIN_SERIAL_RACE = _l(
    "This GTIN and serial number were registered by another request a moment ago; "
    "nothing was saved."
)


def check_gtin_serial(component: Component, data: dict | None = None) -> None:
    """409 when the component's GTIN and serial (after `data`, an edit) are taken."""
    data = as_stored(data or {})
    pair = (
        data.get("gtin", component.gtin),
        data.get("serial_number", component.serial_number),
    )
    ignore = (component.id,) if component.id is not None else ()
    taken = taken_gtin_serials(component.building.organisation_id, [pair], ignore=ignore)
    if pair in taken:
        message = taken[pair][1]
        raise Conflict(message, errors={"serial_number": [message]})


def flush_components(building: Building) -> None:
    """Flush new or changed components; a GTIN and serial registered meanwhile by another
    request (the unique constraint) answers 409 like the check before it."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "gtin" not in str(exc.orig).lower():
            raise
        message = str(GTIN_SERIAL_RACE)
        raise Conflict(message, errors={"serial_number": [message]}) from exc


def unique_tag() -> str:
    """A tag no component has had; collisions at 60 bits are rare, but never reused."""
    while True:
        tag = new_tag()
        if db.session.scalar(select(Component.id).where(Component.tag == tag)) is None:
            return tag


def unique_tags(count: int) -> list[str]:
    """`count` distinct tags no component has had, checked with one query per 500 tags."""
    tags: list[str] = []
    while len(tags) < count:
        fresh = {new_tag() for _ in range(min(count - len(tags), 500))} - set(tags)
        taken = set(db.session.scalars(select(Component.tag).where(Component.tag.in_(fresh))))
        tags.extend(fresh - taken)
    return tags
