"""An IFC element's quantities in SI: BaseQuantities or Qto_*BaseQuantities, converted from the
project's (or the quantity's own) units with ifcopenshell.util.unit, and the quantity and unit a
component row gets from them (m³, m², m, pcs or kg).

Its measures in millimetres come from the same quantities (Width, Height, Depth, Length) and,
for doors and windows, from their OverallWidth and OverallHeight (in the project's length unit),
which win. The Width of a wall, slab, covering or plate is its thickness (Qto_WallBaseQuantities
and the others define it so): it becomes the depth."""

import re

from passports.imports.rows import SourceRow

QTO_SET = re.compile(r"^(BaseQuantities|Qto_\w*BaseQuantities)$")
VOLUME_NAMES = ("NetVolume", "GrossVolume", "Volume")
AREA_NAMES = (
    "NetSideArea",
    "NetArea",
    "GrossSideArea",
    "GrossArea",
    "Area",
    "NetSurfaceArea",
    "GrossSurfaceArea",
)
LENGTH_NAMES = ("Length", "NetLength", "GrossLength")
WEIGHT_NAMES = ("NetWeight", "GrossWeight", "Weight")
LINEAR = ("IfcBeam", "IfcColumn", "IfcMember", "IfcRailing", "IfcPile")
COUNTED = ("IfcDoor", "IfcWindow")
_UNIT_TYPES = {
    "IfcQuantityVolume": "VOLUMEUNIT",
    "IfcQuantityArea": "AREAUNIT",
    "IfcQuantityLength": "LENGTHUNIT",
    "IfcQuantityWeight": "MASSUNIT",
}
# The quantity names each measure is read from, first found first.
MEASURE_NAMES = {
    "width_mm": ("Width",),
    "height_mm": ("Height",),
    "depth_mm": ("Depth",),
    "length_mm": ("Length",),
}
# Elements whose Width quantity is a thickness.
THICKNESS_IS_WIDTH = ("IfcWall", "IfcSlab", "IfcCovering", "IfcPlate", "IfcRoof")
# ifcopenshell scales masses to grams, the unprefixed SI name of the unit; we store kilograms.
TO_SI = {"VOLUMEUNIT": 1.0, "AREAUNIT": 1.0, "LENGTHUNIT": 1.0, "MASSUNIT": 0.001}


def base_class(schema: str) -> str:
    """The class whose elements are imported: IfcBuiltElement in IFC4X3, else
    IfcBuildingElement."""
    return "IfcBuiltElement" if schema == "IFC4X3" else "IfcBuildingElement"


class ModelContext:
    """What is looked up once per model: unit scales and storey names."""

    def __init__(self, model, schema: str):
        import ifcopenshell.util.unit as unit

        self.unit = unit
        self.schema = schema
        self.base = base_class(schema)
        self.scales = {kind: unit.calculate_unit_scale(model, kind) * TO_SI[kind] for kind in TO_SI}
        self.storeys: dict[int, str] = {}

    def scale(self, quantity) -> float:
        """The factor from a quantity's unit (its own, or the project's) to m, m², m³ or kg."""
        kind = _UNIT_TYPES[quantity.is_a()]
        own = getattr(quantity, "Unit", None)
        if own is not None:
            return self.unit.get_unit_scale(own) * TO_SI[kind]
        return self.scales[kind]


def unit_label(model, kind: str) -> str:
    """The symbol of the project's unit of a kind ('mm', 'm²'), for the import report."""
    import ifcopenshell.util.unit as unit

    found = unit.get_project_unit(model, kind)
    if found is None:
        return "SI (not declared)"
    try:
        return unit.get_unit_symbol(found) or str(getattr(found, "Name", "?")).lower()
    except Exception:  # conversion-based units without a known symbol
        return str(getattr(found, "Name", found.is_a())).lower()


def _quantities(element, context: ModelContext) -> dict[str, float]:
    values: dict[str, float] = {}
    for rel in getattr(element, "IsDefinedBy", ()) or ():
        if not rel.is_a("IfcRelDefinesByProperties"):
            continue
        qto = rel.RelatingPropertyDefinition
        if not qto.is_a("IfcElementQuantity") or not QTO_SET.match(qto.Name or ""):
            continue
        for quantity in qto.Quantities:
            if quantity.is_a() not in _UNIT_TYPES or quantity.Name in values:
                continue
            raw = quantity[3]
            if isinstance(raw, int | float) and raw > 0:
                values[quantity.Name] = float(raw) * context.scale(quantity)
    return values


def _first(values: dict[str, float], names: tuple[str, ...]) -> float | None:
    return next((values[n] for n in names if n in values), None)


def set_quantities(row: SourceRow, element, context: ModelContext, void: float, notes) -> None:
    """Give the row its quantity and unit, volume and mass from the element's quantities."""
    values = _quantities(element, context)
    volume = _first(values, VOLUME_NAMES)
    area = _first(values, AREA_NAMES)
    length = _first(values, LENGTH_NAMES)
    weight = _first(values, WEIGHT_NAMES)
    if volume is not None and void > 0:
        notes.append(f"Air layers ({void:.0%} of {volume:.4g} m³) are left out of the volume.")
        volume *= 1 - void
    data = row.data
    data["volume_m3"] = None
    if weight is not None:
        data["mass_kg"] = weight
    linear = element.is_a() in LINEAR
    measures = [("m", length), ("m2", area)] if linear else [("m2", area), ("m", length)]
    if any(element.is_a(c) for c in COUNTED):
        data.update(quantity=1.0, unit="pcs", volume_m3=volume)
    elif volume is not None:
        data.update(quantity=volume, unit="m3")
    elif next((v for _, v in measures if v is not None), None) is not None:
        unit, amount = next((u, v) for u, v in measures if v is not None)
        data.update(quantity=amount, unit=unit)
    elif weight is not None:
        data.update(quantity=weight, unit="kg")
    else:
        data.update(quantity=1.0, unit="pcs")
    data.update(measures_of(element, values, context))
    if volume is None and area is None and length is None and weight is None:
        row.no_quantities = True
        notes.append("The model gives no quantities for it.")


def _mm(metres: float) -> float:
    # A tenth of a millimetre: exports write 2.009999999999999 m for 2010 mm.
    return round(metres * 1000.0, 1)


def measures_of(element, values: dict[str, float], context: ModelContext) -> dict[str, float]:
    """The element's measures in mm, from its quantities in metres (`values`) and its overall
    width and height; only those the model gives."""
    found = {
        field: _mm(value)
        for field, names in MEASURE_NAMES.items()
        if (value := _first(values, names)) is not None
    }
    if any(element.is_a(c) for c in THICKNESS_IS_WIDTH) and "width_mm" in found:
        found.setdefault("depth_mm", found.pop("width_mm"))
        found.pop("width_mm", None)
    if any(element.is_a(c) for c in COUNTED):
        metre = context.scales["LENGTHUNIT"]
        for field, attribute in (("width_mm", "OverallWidth"), ("height_mm", "OverallHeight")):
            overall = getattr(element, attribute, None)
            if isinstance(overall, int | float) and overall > 0:
                found[field] = _mm(float(overall) * metre)
    return found
