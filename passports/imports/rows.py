"""One row of a source file on its way to becoming a component.

Readers (tabular.py, ifc.py) produce `SourceRow`s: the input of `ComponentCreateSchema` except
materials, which are still names with shares, and the conversion problems found so far. The
pipeline (services.py) resolves the materials, validates with the schema and plans the write.
"""

from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _

from passports.imports import values
from passports.imports.columns import header_unit
from passports.models import COMPONENT_STATUSES
from passports.models import DIMENSION_FIELDS
from passports.models import UNITS


@dataclass
class SourceRow:
    """A component as read from a file, not yet validated."""

    data: dict
    materials: list[tuple[str, float | None]] = field(default_factory=list)
    row: int | None = None
    ref: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    key: tuple[str, str] | None = None
    ifc_class: str | None = None
    estimate: bool = False
    no_quantities: bool = False
    proxy: bool = False
    # True when the materials were named in the file, even if the list is empty (IFC).
    materials_given: bool = False


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unit(raw) -> str:
    unit = values.unit_of(raw)
    if unit is None:
        raise ValueError(
            _(
                "unknown unit %(unit)s: use %(units)s",
                unit=repr(values.text(raw)),
                units=", ".join(UNITS),
            )
        )
    return unit


def _volume(raw) -> float:
    number, unit = values.split_quantity(raw)
    if unit not in (None, "m3"):
        raise ValueError(_("a volume is in m³, not %(unit)s", unit=unit))
    return number


def _status(raw) -> str:
    return values.choice(raw, COMPONENT_STATUSES)


_PARSERS = {
    "external_id": values.text,
    "name": values.text,
    "category": values.category,
    "storey": values.text,
    "unit": _unit,
    "volume_m3": _volume,
    "mass_kg": values.parse_mass,
    "condition": values.parse_condition,
    "connection_type": values.connection_type,
    "hazards": values.parse_hazards,
    "install_year": values.parse_int,
    "service_life_years": values.parse_int,
    "recycled_content": values.parse_share,
    "reused_content": values.parse_share,
    "manufacturer": values.text,
    "gtin": values.text,
    "serial_number": values.text,
    "ifc_guid": values.text,
    "ifc_class": values.text,
    "description": values.text,
    "status": _status,
}


def _measures(cells: dict, headers: dict[str, str], source: SourceRow) -> None:
    """The measures in mm and one element's mass in kg, in the unit each header names."""
    for name in (*DIMENSION_FIELDS, "unit_mass_kg"):
        raw = cells.get(name)
        if _blank(raw):
            continue
        header = headers.get(name, "")
        try:
            if name == "unit_mass_kg":
                unit = header_unit(header, values.MASS_TO_KG) or "kg"
                source.data[name] = values.parse_mass(raw, unit)
            else:
                unit = header_unit(header, values.LENGTH_TO_MM) or "mm"
                source.data[name] = values.parse_length(raw, unit)
        except ValueError as exc:
            source.problems.append((name, str(exc)))


def convert_cells(number: int, cells: dict, headers: dict[str, str]) -> SourceRow:
    """Turn a spreadsheet row ({field: cell}) into a SourceRow, noting what cannot be read."""
    source = SourceRow(data={}, row=number, headers=headers)
    data = source.data
    for name, parse in _PARSERS.items():
        raw = cells.get(name)
        if _blank(raw):
            continue
        try:
            data[name] = parse(raw)
        except ValueError as exc:
            source.problems.append((name, str(exc)))
    raw = cells.get("quantity")
    if not _blank(raw):
        try:
            quantity, unit = values.split_quantity(raw)
        except ValueError as exc:
            source.problems.append(("quantity", str(exc)))
        else:
            data["quantity"] = quantity
            if unit and "unit" not in data and "unit" not in dict(source.problems):
                data["unit"] = unit
            elif unit and data.get("unit") not in (None, unit):
                source.problems.append(
                    (
                        "quantity",
                        _(
                            "the unit after the number (%(unit)s) is not the unit column's "
                            "(%(column_unit)s)",
                            unit=unit,
                            column_unit=data["unit"],
                        ),
                    )
                )
    _measures(cells, headers, source)
    raw = cells.get("materials")
    if not _blank(raw):
        source.materials_given = True
        try:
            source.materials = values.parse_materials(raw)
        except ValueError as exc:
            source.problems.append(("materials", str(exc)))
    if data.get("external_id"):
        source.key = ("external_id", data["external_id"])
    elif data.get("ifc_guid"):
        source.key = ("ifc_guid", data["ifc_guid"])
    return source
