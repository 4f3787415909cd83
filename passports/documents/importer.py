"""Recreating a building from a passport document, for the caller's organisation.

The document is checked against the JSON Schema first, then for what a schema cannot say
(material slugs known to this library, shares summing to 1, real dates, tags unique in the
document...). Any error answers 422 with the JSON paths of the errors, and nothing is written.

What was recorded is kept as recorded: masses and their derivation, materials by library slug,
hazards with their clearances, statuses and reuse cycles, and the history of each component
(its events, without the people who recorded them, who belong to the other instance). Derived
figures (`summary`, `metrics`) are recomputed. A component keeps its tag when this instance has
never used it (a tag is never reused), and otherwise gets a new one; the tag URL it had in the
document is kept as its `origin_tag_url`, so a printed label can still be traced.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict
from app.errors import Forbidden
from app.errors import ServiceError
from app.extensions import db
from app.schema_fields import NUL_MESSAGE
from app.schema_fields import has_nul
from passports.documents.export import BUILDING_FIELDS
from passports.documents.export import EVENT_COLUMNS
from passports.documents.export import parse_datetime
from passports.documents.validation import schema_errors
from passports.gs1 import is_valid_gtin
from passports.gs1 import normalize_gtin
from passports.lineage import lineage_cycles
from passports.models import MEASURE_FIELDS
from passports.models import PASSPORT_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.permissions import can_create_building
from passports.qr import tag_url
from passports.services import register_building
from passports.services.components import taken_gtin_serials
from passports.services.components import unique_tags

FRACTION_TOLERANCE = 1e-6
MAX_COMPONENTS = 100_000
# An event's fields copied as they are; its time is parsed from ISO 8601.
EVENT_COPIED = tuple(name for name in EVENT_COLUMNS if name != "occurred_at")
# What an import checks beyond the JSON Schema, which cannot state rules across fields or items
# (a 422 with the JSON path of each error); the API document says it in these words.
RULES_BEYOND_THE_SCHEMA = (
    "Beyond the JSON Schema, an import checks: dates and times are real ones; latitude and "
    "longitude come together; a planned status has its planned date; tags and external ids "
    "appear once; split_from_tag names another component of the document, with no circle; "
    "recycled plus reused content, and end-of-life reuse plus recycling, are at most 1; "
    "material slugs are in this instance's library and each component's shares sum to 1; at "
    f"most {MAX_COMPONENTS:,} components. Breaking any is a 422 naming its JSON path; a GTIN "
    "and serial number registered here already is a 409."
)


@dataclass
class ImportResult:
    """The building made from a document, and what happened to the tags."""

    building: Building
    component_count: int
    tags_kept: int
    tags_renewed: int


class _Errors:
    """Errors of a document by JSON path."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        """Note an error at a JSON path."""
        self.by_path.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        """Refuse the document (422) if any error was noted."""
        if self.by_path:
            raise ServiceError(
                _("The passport document is not valid; nothing was imported."),
                code=422,
                errors=dict(sorted(self.by_path.items())),
            )


def _check_date(errors: _Errors, path: str, text: str | None, *, day: bool = False) -> None:
    if text is None:
        return
    try:
        date.fromisoformat(text) if day else parse_datetime(text)
    except ValueError:
        if day:
            errors.add(path, _("%(value)s is not a real date.", value=repr(text)))
        else:
            errors.add(path, _("%(value)s is not a real date and time.", value=repr(text)))


def _check_semantics(document: dict, library: dict[str, Material]) -> None:
    errors = _Errors()
    building = document["building"]
    _check_date(errors, "$.building.planned_date", building["planned_date"], day=True)
    if (building["latitude"] is None) != (building["longitude"] is None):
        errors.add("$.building.latitude", _("Give latitude and longitude together."))
    if (
        building["status"] in ("renovation_planned", "demolition_planned")
        and not building["planned_date"]
    ):
        errors.add("$.building.planned_date", _("A planned status needs a planned date."))
    components = document["components"]
    if len(components) > MAX_COMPONENTS:
        errors.add(
            "$.components", _("At most %(max)s components per passport.", max=MAX_COMPONENTS)
        )
    tags = [c["tag"] for c in components]
    seen_tags: set[str] = set()
    seen_external: set[str] = set()
    for i, c in enumerate(components):
        at = f"$.components[{i}]"
        if c["tag"] in seen_tags:
            errors.add(f"{at}.tag", _("This tag appears twice in the document."))
        seen_tags.add(c["tag"])
        if c["external_id"] is not None:
            if c["external_id"] in seen_external:
                errors.add(f"{at}.external_id", _("This external id appears twice."))
            seen_external.add(c["external_id"])
        if c["split_from_tag"] is not None and (
            c["split_from_tag"] not in tags or c["split_from_tag"] == c["tag"]
        ):
            errors.add(f"{at}.split_from_tag", _("Not the tag of another component here."))
        if c["recycled_content"] + c["reused_content"] > 1 + FRACTION_TOLERANCE:
            errors.add(f"{at}.reused_content", _("Recycled and reused content exceed 1."))
        eol = (c["eol_reuse_fraction"] or 0) + (c["eol_recycle_fraction"] or 0)
        if eol > 1 + FRACTION_TOLERANCE:
            errors.add(f"{at}.eol_recycle_fraction", _("End-of-life reuse and recycling exceed 1."))
        if c["gtin"] is not None and not is_valid_gtin(c["gtin"]):
            errors.add(f"{at}.gtin", _("Not a valid GTIN (check digit)."))
        slugs = [m["slug"] for m in c["materials"]]
        if len(set(slugs)) != len(slugs):
            errors.add(f"{at}.materials", _("Each material may appear once."))
        if c["materials"]:
            total = sum(m["fraction"] for m in c["materials"])
            if abs(total - 1.0) > FRACTION_TOLERANCE:
                errors.add(
                    f"{at}.materials",
                    _(
                        "Fractions must sum to 1 (they sum to %(total)s).",
                        total=format(total, ".6g"),
                    ),
                )
        for j, m in enumerate(c["materials"]):
            if m["slug"] not in library:
                errors.add(
                    f"{at}.materials[{j}].slug",
                    _("Unknown material %(slug)s.", slug=repr(m["slug"])),
                )
        for j, h in enumerate(c["hazards"]):
            _check_date(errors, f"{at}.hazards[{j}].cleared_at", h["cleared_at"])
        for j, e in enumerate(c["events"]):
            _check_date(errors, f"{at}.events[{j}].occurred_at", e["occurred_at"])
    _check_lineage(errors, components)
    errors.raise_if_any()


def _check_lineage(errors: _Errors, components: list[dict]) -> None:
    """Refuse `split_from_tag` links that go round in a circle: a history would never end."""
    index = {c["tag"]: i for i, c in enumerate(components)}
    parent_of = {
        c["tag"]: c["split_from_tag"]
        for c in components
        if c["split_from_tag"] in index and c["split_from_tag"] != c["tag"]
    }
    for cycle in lineage_cycles(parent_of):
        for tag in cycle:
            errors.add(
                f"$.components[{index[tag]}].split_from_tag",
                _(
                    "The components %(tags)s are split from each other in a circle.",
                    tags=", ".join(cycle),
                ),
            )


def _check_gtin_serials(user, components: list[dict]) -> None:
    """Refuse (409) GTIN and serial pairs registered here already, or twice in the document:
    a printed GS1 link names one component on the instance."""
    pairs = {}
    errors = _Errors()
    for i, c in enumerate(components):
        pair = (normalize_gtin(c["gtin"]), c["serial_number"])
        if all(pair):
            if pair in pairs:
                errors.add(
                    f"$.components[{i}].serial_number", _("This GTIN and serial appear twice.")
                )
            pairs.setdefault(pair, i)
    for pair, (_id, message) in taken_gtin_serials(user.organisation_id, pairs).items():
        errors.add(f"$.components[{pairs[pair]}].serial_number", message)
    if errors.by_path:
        raise Conflict(
            _(
                "GTINs and serial numbers of the document are registered already; nothing was "
                "imported."
            ),
            errors=dict(sorted(errors.by_path.items())),
        )


def _free_tags(tags: list[str]) -> set[str]:
    """The tags this instance has never given to a component."""
    taken: set[str] = set()
    for start in range(0, len(tags), 500):
        chunk = tags[start : start + 500]
        taken.update(db.session.scalars(select(Component.tag).where(Component.tag.in_(chunk))))
    return set(tags) - taken


def import_passport(user, document) -> ImportResult:
    """Validate a passport document and recreate its building for the user's organisation."""
    if not can_create_building(user):
        raise Forbidden(_("Only owners and admins import passports."))
    errors = schema_errors(document)
    if has_nul(document):
        errors.setdefault("$", []).append(NUL_MESSAGE)
    if errors:
        raise ServiceError(
            _("The passport document does not match schema 1.0; nothing was imported."),
            code=422,
            errors=errors,
        )
    library = {m.slug: m for m in db.session.scalars(select(Material))}
    _check_semantics(document, library)
    _check_gtin_serials(user, document["components"])

    data = {name: document["building"][name] for name in BUILDING_FIELDS}
    if data["planned_date"]:
        data["planned_date"] = date.fromisoformat(data["planned_date"])
    building = register_building(user, data)

    entries = document["components"]
    free = _free_tags([c["tag"] for c in entries])
    fresh = iter(unique_tags(len(entries) - len(free)))
    by_tag: dict[str, Component] = {}
    kept = 0
    for c in entries:
        tag = c["tag"] if c["tag"] in free else next(fresh)
        kept += tag == c["tag"]
        component = Component(building=building, tag=tag, split_from_id=None)
        for name in PASSPORT_FIELDS:
            # Documents written before the measures were passport fields lack them.
            setattr(component, name, c.get(name) if name in MEASURE_FIELDS else c[name])
        component.gtin = normalize_gtin(c["gtin"])
        origin = c["origin_tag_url"] or c["tag_url"]
        component.origin_tag_url = None if origin == tag_url(tag) else origin
        component.materials = [
            ComponentMaterial(
                material=library[m["slug"]],
                fraction=m["fraction"],
                mass_kg=m["mass_kg"],
                position=position,
            )
            for position, m in enumerate(c["materials"])
        ]
        component.hazards = [
            ComponentHazard(
                kind=h["kind"],
                notes=h["notes"],
                cleared_at=parse_datetime(h["cleared_at"]) if h["cleared_at"] else None,
                clearance_note=h["clearance_note"],
            )
            for h in c["hazards"]
        ]
        for e in c["events"]:
            db.session.add(
                ComponentEvent(
                    component=component,
                    occurred_at=parse_datetime(e["occurred_at"]),
                    # Another instance's history: shown as such, never one of our transfers.
                    imported=True,
                    **{name: e[name] for name in EVENT_COPIED},
                )
            )
        db.session.add(component)
        by_tag[c["tag"]] = component
    db.session.flush()
    for c in entries:
        if c["split_from_tag"]:
            by_tag[c["tag"]].split_from_id = by_tag[c["split_from_tag"]].id
    db.session.flush()
    return ImportResult(building, len(entries), kept, len(entries) - kept)
