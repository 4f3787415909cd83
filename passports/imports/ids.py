"""The IDS check before an IFC import: the model against the passport's own IDS, with ifctester.

`material_passport.ids` (beside this module, IDS 1.0) says what a material passport needs from
a model: a GlobalId, a material, base quantities (a volume, or an area with its thickness), a
storey, the code and system of a classification where there is one, and the size of doors and
windows. Every IFC import (the preview, the commit, the API's dry run and import) runs it on the
model the importer has already opened, after the elements were read (so a model whose spatial
structure goes round in a circle has been refused before ifctester could follow it for ever).

What fails is a warning: the model is still importable. The summary (`ids` in the import
report, kept with a committed import) gives, per specification, how many elements it applies to,
how many pass, and each failing element with its GlobalId, class, name and reasons; the pages
name the specifications and reasons in the reader's language by the specification's identifier
and the reason's code, never by the file's English. ids_report.py renders the downloads.
"""

import copy
import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import words

log = logging.getLogger(__name__)

IDS_FILE = Path(__file__).with_name("material_passport.ids")
IDS_NAMESPACE = "http://standards.buildingsmart.org/IDS"
# Failing elements kept per specification in the summary (the page shows fewer; the downloads
# all that were kept). A model where more fail says `failures_truncated`.
MAX_FAILURES = 5000
# ifctester caches each element's property sets in 128 entries: the two quantity checks of a
# model of a few hundred elements would evict each other's. A bigger cache, still bounded and
# cleared by ifctester at the start of every check (and by us at its end), halves the check.
PSET_CACHE = 8192

# The specifications by identifier, as people read them: what is asked, and how to fix it.
SPECIFICATIONS = {
    "MP-01": (
        _l("Every building element has a GlobalId"),
        _l("Export the model with its GlobalIds (22 characters, IFC base 64)."),
    ),
    "MP-02": (
        _l("Building elements have a material or a material layer set"),
        _l(
            "Assign a material, a material layer set, a constituent set or a profile set to "
            "each element or to its type."
        ),
    ),
    "MP-03": (
        _l("Building elements have base quantities: a net volume or a net area"),
        _l(
            "Export the base quantities (Qto_…BaseQuantities in IFC4, BaseQuantities in "
            "IFC2X3) with NetVolume, or NetArea or NetSideArea."
        ),
    ),
    "MP-04": (
        _l("Walls, slabs, coverings and plates measured by their area give their thickness"),
        _l("Export the Width (thickness) or the NetVolume base quantity with the area."),
    ),
    "MP-05": (
        _l("Building elements are placed in a building storey"),
        _l(
            "Place each element in an IfcBuildingStorey, directly or through a space or an "
            "assembly."
        ),
    ),
    "MP-06": (
        _l("Classified elements give the code and the system of their classification"),
        _l("Give each classification reference its code and its classification system."),
    ),
    "MP-07": (
        _l("Doors and windows give their overall width and height"),
        _l("Give each door and window its OverallWidth and OverallHeight."),
    ),
}
# Why an element fails, by code (ifctester words its reasons in English only).
REASONS = {
    "attribute": _l("%(field)s is missing or not valid"),
    "material": _l("No material or material set"),
    "quantity_set": _l("No base quantities (BaseQuantities or Qto_…BaseQuantities)"),
    "quantity": _l("The base quantities have no %(field)s"),
    "quantity_value": _l("The quantity %(field)s is not above zero"),
    "storey": _l("Not placed in a building storey"),
    "classification": _l("No classification"),
    "classification_code": _l("A classification reference has no code"),
    "classification_system": _l("The classification has no system"),
}
STATUSES = ("passed", "failed", "not_applicable")
words(
    {
        "ids:passed": _l("Passed"),
        "ids:failed": _l("Not met"),
        "ids:not_applicable": _l("Not applicable"),
        "ids:required": _l("Required"),
        "ids:optional": _l("Optional"),
        "ids:error": _l("Not checked"),
    }
)


def specification_name(spec: dict) -> str:
    """A specification's name in the reader's language (the file's English if unknown)."""
    known = SPECIFICATIONS.get(spec.get("identifier") or "")
    return str(known[0]) if known else spec.get("name", "")


def specification_hint(spec: dict) -> str:
    """What the modeller does to meet a specification, in the reader's language."""
    known = SPECIFICATIONS.get(spec.get("identifier") or "")
    return str(known[1]) if known else spec.get("instructions", "")


def reason_text(reason: dict) -> str:
    """A failure's reason in the reader's language (ifctester's English when unknown)."""
    text = REASONS.get(reason.get("code") or "")
    if text is None:
        return reason.get("text", "")
    return str(text) % {"field": reason.get("field") or ""}


@functools.cache
def _decoded() -> tuple[dict, tuple[str, ...]]:
    """The IDS file decoded by ifctester's own XML schema, and its specifications' identifiers
    (ifctester 0.9 does not read them), read once per process."""
    from ifctester import ids as ifctester_ids

    decoded = ifctester_ids.get_schema().decode(
        str(IDS_FILE), strip_namespaces=True, namespaces={"": IDS_NAMESPACE}
    )
    tree = ElementTree.parse(IDS_FILE)
    identifiers = tuple(
        spec.get("identifier", "")
        for spec in tree.getroot().iter(f"{{{IDS_NAMESPACE}}}specification")
    )
    return decoded, identifiers


def load_ids():
    """A fresh ifctester Ids of the passport's IDS: ifctester keeps a check's results on it."""
    from ifctester import ids as ifctester_ids

    decoded, identifiers = _decoded()
    # Parsing mutates what it reads (partOf facets), so each check parses its own copy.
    ids = ifctester_ids.Ids().parse(copy.deepcopy(decoded))
    for spec, identifier in zip(ids.specifications, identifiers, strict=True):
        spec.identifier = identifier
    return ids


def _bigger_pset_cache() -> None:
    from ifctester import facet
    from ifctester import ids as ifctester_ids

    info = getattr(facet.get_psets, "cache_info", None)
    if info is not None and (info().maxsize or PSET_CACHE) < PSET_CACHE:
        facet.get_psets = functools.lru_cache(maxsize=PSET_CACHE)(facet.get_psets.__wrapped__)
        ifctester_ids.get_psets = facet.get_psets


def validate(model, base: str):
    """Run ifctester on the model, keeping only the elements the importer reads (`base`:
    IfcBuildingElement or IfcBuiltElement); the checked Ids, with its results."""
    from ifctester import facet

    _bigger_pset_cache()
    ids = load_ids()
    try:
        ids.validate(model)
    finally:
        facet.get_psets.cache_clear()
        facet.get_pset.cache_clear()
    for spec in ids.specifications:
        _keep_imported(spec, base)
    return ids


def _keep_imported(spec, base: str) -> None:
    """Leave out what the importer does not read, and settle the status again as ifctester
    does. In IFC2X3 ifctester also applies a class to occurrences whose type names it: a
    Revit IfcSpace typed by an IfcBeamType would count as a beam."""
    if all(e.is_a(base) for e in spec.applicable_entities):
        return
    spec.applicable_entities[:] = [e for e in spec.applicable_entities if e.is_a(base)]
    spec.failed_entities = {e for e in spec.failed_entities if e.is_a(base)}
    spec.passed_entities = {e for e in spec.passed_entities if e.is_a(base)}
    spec.status = True
    for requirement in spec.requirements:
        requirement.failures[:] = [f for f in requirement.failures if f["element"].is_a(base)]
        requirement.passed_entities = {e for e in requirement.passed_entities if e.is_a(base)}
        requirement.status = not requirement.failures
        spec.status = spec.status and requirement.status
    if spec.minOccurs != 0 and not spec.applicable_entities:
        spec.status = False


def _field(value) -> str:
    """A facet's name or base name as people read it: "NetVolume / NetArea" for a choice."""
    options = getattr(value, "options", None)
    if options is not None:
        return " / ".join(str(v) for v in options.get("enumeration", []))
    return str(value or "")


def reason_of(requirement, english: str) -> dict:
    """A failure's reason as a code (translated by the pages), the facet's field, and
    ifctester's English sentence."""
    kind = type(requirement).__name__
    code, field = None, ""
    if kind == "Attribute":
        code, field = "attribute", _field(requirement.name)
    elif kind == "Material":
        code = "material"
    elif kind == "PartOf":
        code = "storey"
    elif kind == "Property":
        field = _field(requirement.baseName)
        if english.startswith("The required property set does not exist"):
            code = "quantity_set"
        elif english.startswith("The property set does not contain"):
            code = "quantity"
        elif english.startswith("The property value"):
            code = "quantity_value"
    elif kind == "Classification":
        if english.startswith("The entity has no classification"):
            code = "classification"
        elif english.startswith("The references"):
            code = "classification_code"
        elif english.startswith("The systems"):
            code = "classification_system"
    return {"code": code, "field": field, "text": english}


class _Locations:
    """Where elements are, in metres (their placement's origin), for BCF viewpoints: each
    placement's matrix is worked out once, as the storeys' and assemblies' are shared."""

    def __init__(self, model):
        import ifcopenshell.util.unit

        self.scale = ifcopenshell.util.unit.calculate_unit_scale(model)
        self.matrices: dict[int, object] = {}

    def _matrix(self, placement, depth: int = 0):
        import ifcopenshell.util.placement as util
        import numpy

        found = self.matrices.get(placement.id())
        if found is not None:
            return found
        if not placement.is_a("IfcLocalPlacement") or depth > 64:
            found = util.get_local_placement(placement)
        else:
            local = util.get_axis2placement(placement.RelativePlacement)
            parent = placement.PlacementRelTo
            found = local if parent is None else self._matrix(parent, depth + 1) @ local
        self.matrices[placement.id()] = numpy.asarray(found)
        return found

    def of(self, element) -> list[float] | None:
        """The element's origin in metres, or None without a (readable) placement."""
        placement = getattr(element, "ObjectPlacement", None)
        if placement is None:
            return None
        try:
            matrix = self._matrix(placement)
        except Exception:  # a damaged placement: the topic goes without a viewpoint
            return None
        return [round(float(v) * self.scale, 3) for v in matrix[:3, 3]]


def _spec_status(spec) -> str:
    if spec.status and not spec.applicable_entities:
        return "not_applicable"
    return "passed" if spec.status else "failed"


def summarise(ids, model, seconds: float) -> dict:
    """The checked Ids as the import report keeps it (JSON-ready)."""
    locations = _Locations(model)
    specifications = []
    for spec in ids.specifications:
        failures: dict[int, dict] = {}
        requirements = []
        for requirement in spec.requirements:
            requirements.append(
                {
                    "facet": type(requirement).__name__.lower(),
                    "description": requirement.to_string("requirement", spec, requirement),
                    "failed": len(requirement.failures),
                }
            )
            for failure in requirement.failures:
                element = failure["element"]
                entry = failures.get(element.id())
                if entry is None:
                    if len(failures) >= MAX_FAILURES:
                        continue
                    entry = failures[element.id()] = {
                        "guid": getattr(element, "GlobalId", None),
                        "ifc_class": element.is_a(),
                        "name": (getattr(element, "Name", None) or "")[:200],
                        "reasons": [],
                        "at": locations.of(element),
                    }
                entry["reasons"].append(reason_of(requirement, failure["reason"]))
        failed = len(spec.failed_entities)
        applicable = len(spec.applicable_entities)
        specifications.append(
            {
                "identifier": spec.identifier,
                "name": spec.name,
                "description": spec.description or "",
                "instructions": spec.instructions or "",
                "usage": "required" if spec.minOccurs != 0 else "optional",
                "status": _spec_status(spec),
                "applicable": applicable,
                "passed": applicable - failed,
                "failed": failed,
                "requirements": requirements,
                # ifctester's order follows Python sets: sorted, the list reads the same twice.
                "failures": sorted(
                    failures.values(),
                    key=lambda f: (f["ifc_class"], f["name"], f["guid"] or ""),
                ),
                "failures_truncated": failed > len(failures),
            }
        )
    failing = [s for s in specifications if s["status"] == "failed"]
    return {
        "ids": {
            "file": IDS_FILE.name,
            "title": ids.info.get("title", ""),
            "version": ids.info.get("version", ""),
        },
        "schema": model.schema_identifier,
        "status": "failed" if failing else "passed",
        "ok": not failing,
        "failed_specifications": len(failing),
        "seconds": round(seconds, 2),
        "message": None,
        "specifications": specifications,
    }


def check_model(model, base: str, progress: Callable[[], None] | None = None) -> dict:
    """The IDS check of an opened model as the import report keeps it; a check that cannot
    run (a model ifctester stumbles on) says so and stops nothing."""
    if progress:
        progress()
    started = time.perf_counter()
    try:
        ids = validate(model, base)
        return summarise(ids, model, time.perf_counter() - started)
    except Exception:  # ifctester asserts on some damaged models: the import goes on
        log.exception("IDS check failed")
        return {
            "ids": {"file": IDS_FILE.name, "title": "", "version": ""},
            "schema": getattr(model, "schema_identifier", ""),
            "status": "error",
            "ok": False,
            "failed_specifications": 0,
            "seconds": round(time.perf_counter() - started, 2),
            "message": _(
                "The model could not be checked against the material passport's IDS. The "
                "import is not affected."
            ),
            "specifications": [],
        }
