"""Reading an IFC model (IFC2X3, IFC4, IFC4X3) as component rows, with ifcopenshell.

Every building element becomes a row (IfcBuildingElement in IFC2X3/IFC4, IfcBuiltElement in
IFC4X3): proxies are kept and flagged, elements without quantities are kept and flagged, and
other physical elements (furniture, MEP) are counted in the report as not imported.

- Storey: the IfcBuildingStorey that contains the element, through spaces and assemblies.
- Materials: layer sets by layer thickness, constituent sets by their fractions, profile sets
  and material lists split equally (flagged as an estimate), a single material as 1.0. Air
  layers and layers without a material are voids: they take their share of the volume out of
  the component, so the mass (V × Σ fᵢ·ρᵢ over the solid part) is not overstated.
- Quantities: BaseQuantities or Qto_*BaseQuantities, converted from the project's (or the
  quantity's own) units to SI with ifcopenshell.util.unit. Files use mm, and even grams.
- Quantity and unit: m³ with the volume; otherwise m² or m; doors and windows count in pieces
  with their volume; weight gives the mass; nothing at all gives 1 pcs, flagged incomplete.
"""

import re
from collections.abc import Callable
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from passports.imports.files import ImportRejected
from passports.imports.files import StoredFile
from passports.imports.ifc_elements import category_of
from passports.imports.ifc_elements import materials_of
from passports.imports.ifc_quantities import TO_SI
from passports.imports.ifc_quantities import ModelContext
from passports.imports.ifc_quantities import set_quantities
from passports.imports.ifc_quantities import unit_label
from passports.imports.report import ImportReport
from passports.imports.rows import SourceRow

_FILE_SCHEMA = re.compile(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", re.I)
_TRAILER = b"END-ISO-10303-21;"
Progress = Callable[[int, int], None]


# Far deeper than any real spatial structure (site, building, storey, space, assembly, part).
MAX_STRUCTURE_DEPTH = 64
STRUCTURE_CYCLE = _l(
    "The IFC file is damaged: its spatial structure refers to itself in a circle (%(ref)s), "
    "so its elements cannot be placed in a storey. Nothing was imported; export the model again."
)


def check_header(path) -> str:
    """The file's IFC schema, after checking it is complete STEP text of a supported schema."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 4096))
        tail = handle.read()
    match = _FILE_SCHEMA.search(head)
    if not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"ISO-10303-21") or not match:
        raise ImportRejected(_("The IFC file is garbled: its header has no FILE_SCHEMA."))
    declared = match.group(1).decode("ascii", "replace").strip().upper()
    schema = next(
        (
            s
            for s in ("IFC4X3", "IFC2X3", "IFC4")
            if declared.startswith(s)
            and (s != "IFC4" or declared in ("IFC4", "IFC4_ADD1", "IFC4_ADD2", "IFC4_ADD2_TC1"))
        ),
        None,
    )
    if schema is None:
        raise ImportRejected(
            _(
                "The IFC schema %(schema)s is not supported; use IFC2X3, IFC4 or IFC4X3.",
                schema=declared or "(none)",
            )
        )
    if not tail.rstrip().endswith(_TRAILER):
        raise ImportRejected(
            _(
                "The IFC file is truncated: it does not end with END-ISO-10303-21; "
                "export or upload it again."
            )
        )
    return schema


def open_model(path):
    """Open a model with ifcopenshell, turning its failures into a clear refusal."""
    import ifcopenshell

    schema = check_header(path)
    try:
        model = ifcopenshell.open(str(path))
    except Exception as exc:  # ifcopenshell raises RuntimeError, IOError or its own Error
        raise ImportRejected(
            _(
                "The IFC file could not be read: it is damaged or not valid STEP (%(problem)s).",
                problem=_short(exc),
            )
        ) from exc
    if not model.by_type("IfcProject"):
        raise ImportRejected(_("The IFC file is garbled: it has no IfcProject."))
    return model, schema


def _short(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def read_ifc(
    stored: StoredFile, report: ImportReport, progress: Progress | None = None, opened=None
) -> Iterator[SourceRow]:
    """Yield a row for every building element of the model (`opened`: the model and its
    schema from `open_model`, when the caller has opened it already)."""
    model, schema = opened or open_model(stored.path)
    context = ModelContext(model, schema)
    elements = model.by_type(context.base)
    report.not_imported.update(
        e.is_a()
        for e in model.by_type("IfcElement")
        if not e.is_a(context.base) and not e.is_a("IfcFeatureElement")
    )
    report.ifc.update(
        schema=model.schema,
        elements=len(elements),
        units={k.removesuffix("UNIT").lower(): unit_label(model, k) for k in TO_SI},
        storeys=[_storey_label(s) for s in model.by_type("IfcBuildingStorey")],
    )
    estimates = 0
    for done, element in enumerate(elements, start=1):
        row = _element_row(element, context)
        estimates += row.estimate
        yield row
        if progress and (done % 50 == 0 or done == len(elements)):
            progress(done, len(elements))
    if estimates:
        report.warn(
            ngettext(
                "%(num)d element lists several materials without shares (IfcMaterialList or "
                "profile sets): its materials were split equally, an estimate.",
                "%(num)d elements list several materials without shares (IfcMaterialList or "
                "profile sets): their materials were split equally, an estimate.",
                estimates,
            )
        )


def _storey_label(storey) -> str:
    if storey.Name or storey.LongName:
        return str(storey.Name or storey.LongName)[:100]
    if storey.Elevation is not None:
        return f"Storey at {storey.Elevation:g}"
    return "Storey"


def _storey(element, context: ModelContext) -> str:
    """The storey an element is in, walking up what it is part of (its container, assembly,
    nest or host). The walk is our own, not `get_container`: a model whose relations go round
    in a circle would send that into endless recursion; here it is refused."""
    import ifcopenshell.util.element as util

    seen: set[int] = set()
    node = element
    while node is not None:
        if node.id() in seen or len(seen) >= MAX_STRUCTURE_DEPTH:
            raise ImportRejected(str(STRUCTURE_CYCLE) % {"ref": f"#{node.id()} {node.is_a()}"})
        seen.add(node.id())
        if node is not element and node.is_a("IfcBuildingStorey"):
            if node.id() not in context.storeys:
                context.storeys[node.id()] = _storey_label(node)
            return context.storeys[node.id()]
        node = util.get_parent(node)
    return ""


def _element_row(element, context: ModelContext) -> SourceRow:
    import ifcopenshell.util.element as util

    cls = element.is_a()
    type_object = util.get_type(element)
    type_name = getattr(type_object, "Name", None)
    name = (element.Name or type_name or cls).strip() or cls
    assembly = util.get_aggregate(element)
    parts = [
        p
        for rel in getattr(element, "IsDecomposedBy", ()) or ()
        for p in rel.RelatedObjects
        if p.is_a(context.base)
    ]
    guid = element.GlobalId
    row = SourceRow(
        data={
            "name": name[:200],
            "category": category_of(element, assembly),
            "storey": _storey(element, context),
            "ifc_guid": guid,
            "ifc_class": cls,
        },
        ref=f"{cls} '{name[:60]}' ({guid})",
        key=("ifc_guid", guid),
        ifc_class=cls,
        proxy=element.is_a("IfcBuildingElementProxy"),
        materials_given=True,
    )
    notes = [f"From IFC: {cls}" + (f", type '{type_name}'" if type_name else "")]
    if assembly is not None and assembly.is_a(context.base):
        notes.append(f"Part of {assembly.is_a()} '{assembly.Name or assembly.GlobalId}'.")
    if parts:
        # The parts carry the material and the quantities; counting them here too would
        # count the mass twice.
        row.data.update(quantity=1.0, unit="pcs", volume_m3=None, mass_kg=None)
        notes.append(f"Assembly of {len(parts)} part(s), imported as components of their own.")
        row.data["description"] = " ".join(notes)
        return row
    row.materials, row.estimate, void = materials_of(element)
    set_quantities(row, element, context, void, notes)
    if row.estimate:
        notes.append("Material shares are an estimate (equal split).")
    if row.proxy:
        notes.append("A generic IFC proxy: check its category.")
    row.data["description"] = " ".join(notes)
    return row
