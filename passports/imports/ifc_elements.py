"""What an IFC element is made of and which component category it belongs to.

Materials come as (name, share of volume) pairs: layer sets by layer thickness, constituent
sets by their fractions, material lists and profile sets split equally (an estimate), a single
material 1.0. Air layers and layers without a material are voids, returned as the share of
the volume that holds no material.
"""

from collections import Counter

from passports.imports.matching import is_void


def category_of(element, assembly) -> str:
    """The component category for an element, and for a part, the assembly it belongs to."""
    import ifcopenshell.util.element as util

    within = assembly.is_a() if assembly is not None else ""
    if element.is_a("IfcWall"):
        external = util.get_pset(element, "Pset_WallCommon", "IsExternal")
        return "external_wall" if external else "internal_wall"
    if element.is_a("IfcCurtainWall") or within == "IfcCurtainWall":
        return "facade"
    if element.is_a("IfcRailing"):
        return "fixture"
    if within in ("IfcStair", "IfcRamp"):
        return "stair"
    if within in ("IfcWindow", "IfcDoor"):
        return within.removeprefix("Ifc").lower()
    predefined = (util.get_predefined_type(element) or "").upper()
    if element.is_a("IfcSlab"):
        return "roof" if predefined == "ROOF" or within == "IfcRoof" else "floor"
    if element.is_a("IfcCovering"):
        return "ceiling" if predefined == "CEILING" else "finish"
    simple = {
        "IfcRoof": "roof",
        "IfcBeam": "structure",
        "IfcColumn": "structure",
        "IfcMember": "structure",
        "IfcPlate": "structure",
        "IfcDoor": "door",
        "IfcWindow": "window",
        "IfcStair": "stair",
        "IfcStairFlight": "stair",
        "IfcRamp": "stair",
        "IfcRampFlight": "stair",
        "IfcFooting": "foundation",
        "IfcPile": "foundation",
    }
    for cls, category in simple.items():
        if element.is_a(cls):
            return category
    return "other"


def materials_of(element) -> tuple[list[tuple[str, float]], bool, float]:
    """(name, share) of the solid materials, whether the shares are a guess, the void share."""
    import ifcopenshell.util.element as util

    found = util.get_material(element, should_skip_usage=True)
    if found is None:
        return [], False, 0.0
    if found.is_a("IfcMaterialLayerSet"):
        layers = [
            (_name(layer.Material), layer.LayerThickness or 0.0) for layer in found.MaterialLayers
        ]
        return _by_amount(layers)
    if found.is_a("IfcMaterialConstituentSet"):
        constituents = [(_name(c.Material), c.Fraction) for c in found.MaterialConstituents or ()]
        if constituents and all(f is not None and f > 0 for _, f in constituents):
            return _by_amount(constituents)
        return _equal([n for n, _ in constituents])
    if found.is_a("IfcMaterialList"):
        return _equal([_name(m) for m in found.Materials])
    if found.is_a("IfcMaterialProfileSet"):
        return _equal([_name(p.Material) for p in found.MaterialProfiles])
    material = getattr(found, "Material", found)  # a single layer, profile or constituent
    return [(_name(material), 1.0)], False, 0.0


def _name(material) -> str | None:
    if material is None:
        return None
    return (material.Name or "").strip() or "(unnamed material)"


def _by_amount(amounts: list[tuple[str | None, float]]) -> tuple[list, bool, float]:
    total = sum(a for _, a in amounts)
    if total <= 0:
        return _equal([n for n, _ in amounts])
    void = sum(a for n, a in amounts if is_void(n))
    solid = total - void
    if solid <= 0:
        return [], False, 0.0
    merged: Counter = Counter()
    for name, amount in amounts:
        if not is_void(name) and amount > 0:
            merged[name] += amount / solid
    return list(merged.items()), False, void / total


def _equal(names: list[str | None]) -> tuple[list, bool, float]:
    solid = list(dict.fromkeys(n for n in names if not is_void(n)))
    if not solid:
        return [], False, 0.0
    return [(n, 1.0 / len(solid)) for n in solid], len(solid) > 1, 0.0
