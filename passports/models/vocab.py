"""The controlled vocabularies of passports: families, statuses, units, categories, and the
words people read for them (registered with app.i18n.words, shown through the `label` filter)."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from app.i18n import words


class Texts(Mapping):
    """Texts by key, read in the page's language ({key: lazy_gettext(...)}): `[key]`, `.get`
    and `.items()` give plain strings, so exports and JSON never meet a lazy string."""

    def __init__(self, texts: dict):
        self._texts = dict(texts)

    def __getitem__(self, key):
        return str(self._texts[key])

    def __iter__(self):
        return iter(self._texts)

    def __len__(self):
        return len(self._texts)


MATERIAL_FAMILIES = (
    "masonry",
    "concrete",
    "steel",
    "aluminium",
    "copper",
    "metals_other",
    "timber",
    "glass",
    "insulation",
    "gypsum",
    "ceramics",
    "stone",
    "plastics",
    "bitumen",
    "mortar",
    "other",
)
BUILDING_STATUSES = ("in_use", "renovation_planned", "demolition_planned", "demolished")
USE_TYPES = (
    "civic",
    "office",
    "education",
    "healthcare",
    "residential",
    "industrial",
    "retail",
    "sports",
    "culture",
    "mixed",
    "storage",
    "other",
)
UNITS = ("pcs", "m", "m2", "m3", "kg", "t")
CATEGORIES = (
    "foundation",
    "structure",
    "external_wall",
    "internal_wall",
    "facade",
    "floor",
    "roof",
    "stair",
    "window",
    "door",
    "ceiling",
    "finish",
    "installation",
    "fixture",
    "other",
)
CONNECTION_TYPES = (
    "dry",
    "click",
    "bolted",
    "screwed",
    "nailed",
    "lime_mortar",
    "cement_mortar",
    "glued",
    "welded",
    "cast",
)
HAZARD_KINDS = ("asbestos", "pcb", "lead", "other")
COMPONENT_STATUSES = (
    "installed",
    "to_harvest",
    "harvested",
    "in_storage",
    "listed",
    "reserved",
    "transferred",
    "reinstalled",
    "disposed",
)
# The harvest chain; "disposed" is reachable from every state but itself.
STATUS_CHAIN = COMPONENT_STATUSES[:-1]
CONDITION_GRADES = Texts(
    {
        5: _l("As new: no visible wear, reusable as it is"),
        4: _l("Good: light wear, reusable after cleaning"),
        3: _l("Fair: reusable after minor repair"),
        2: _l("Poor: reusable only after substantial refurbishment"),
        1: _l("Unusable for reuse: recycle or recover"),
    }
)
# Events a person records on site, and those the system writes on status changes and transfers.
EVENT_KINDS = (
    "inspected",
    "dismantled",
    "stored",
    "transported",
    "reinstalled",
    "disposed",
    "note",
)
SYSTEM_EVENT_KINDS = ("status_changed", "transferred")
ALL_EVENT_KINDS = EVENT_KINDS + SYSTEM_EVENT_KINDS
DISPOSAL_ROUTES = ("recycled", "incinerated", "landfilled")
# How to take each kind of joint apart, shown on the scan page next to the component's notes.
DISMANTLING_GUIDE = Texts(
    {
        "dry": _l("Laid or stacked without fixings: lift out by hand or with a lifting aid."),
        "click": _l("Click or snap joint: release the clips in the reverse order of assembly."),
        "bolted": _l("Undo the bolts and nuts; keep fixings with the component for reuse."),
        "screwed": _l("Unscrew; keep screws in a bag with the component."),
        "nailed": _l("Prise apart carefully and remove the nails before stacking."),
        "lime_mortar": _l("Separate unit by unit; lime mortar cleans off, so units can be reused."),
        "cement_mortar": _l(
            "Cement mortar is stronger than most units: cut or break out; reuse is "
            "limited, crushing for recycled aggregate is likely."
        ),
        "glued": _l("Bonded: cut or heat to separate; expect damage to one side."),
        "welded": _l("Cut the welds (hot work permit); the parts can be re-welded or recycled."),
        "cast": _l("Cast in place: demolish; recover reinforcement and crush for aggregate."),
    }
)
# Disassembly factors of a component's connections (levels of the DGBC detachability index;
# the scores are in passports/metrics/disassembly.py).
ACCESSIBILITY = Texts(
    {
        "free": _l("Freely accessible"),
        "extra_actions": _l("Accessible with extra actions, without damage"),
        "repairable_damage": _l("Accessible with extra actions causing repairable damage"),
        "irreparable_damage": _l("Not accessible without irreparable damage"),
    }
)
INTERSECTIONS = Texts(
    {
        "none": _l("No other products cross it"),
        "incidental": _l("Incidentally crossed by another product (a pipe, a cable)"),
        "full": _l("Crossed by other products throughout"),
    }
)
EDGE_ENCLOSURES = Texts(
    {
        "open": _l("Open: edges free, lifts out without moving neighbours"),
        "overlapping": _l("Overlapping: comes out after its neighbours, in order"),
        "one_side": _l("Closed on one side: a neighbour or the edge must be cut"),
        "enclosed": _l("Closed on several sides or embedded"),
    }
)
# How complete the data behind a component's metrics is (passports/metrics/component.py).
METRICS_QUALITIES = ("full", "defaults", "none")

# The words people read for the stored values above, in the page's language (`|label`). One
# word serves a value wherever it appears: "disposed" is a status and an event kind alike.
words(
    {
        # Material families.
        "masonry": _l("Masonry"),
        "concrete": _l("Concrete"),
        "steel": _l("Steel"),
        "aluminium": _l("Aluminium"),
        "copper": _l("Copper"),
        "metals_other": _l("Other metals"),
        "timber": _l("Timber"),
        "glass": _l("Glass"),
        "insulation": _l("Insulation"),
        "gypsum": _l("Gypsum"),
        "ceramics": _l("Ceramics"),
        "stone": _l("Stone"),
        "plastics": _l("Plastics"),
        "bitumen": _l("Bitumen"),
        "mortar": _l("Mortar"),
        "other": _l("Other"),
        # Building statuses.
        "in_use": _l("In use"),
        "renovation_planned": _l("Renovation planned"),
        "demolition_planned": _l("Demolition planned"),
        "demolished": _l("Demolished"),
        # Uses of a building.
        "civic": _l("Civic"),
        "office": _l("Office"),
        "education": _l("Education"),
        "healthcare": _l("Healthcare"),
        "residential": _l("Residential"),
        "industrial": _l("Industrial"),
        "retail": _l("Retail"),
        "sports": _l("Sports"),
        "culture": _l("Culture"),
        "mixed": _l("Mixed use"),
        "storage": _l("Storage"),
        # Units (the symbols are the same in every language; pieces are not).
        "pcs": _l("pcs"),
        "m": "m",
        "m2": "m²",
        "m3": "m³",
        "kg": "kg",
        "t": "t",
        # Component categories.
        "foundation": _l("Foundation"),
        "structure": _l("Structure"),
        "external_wall": _l("External wall"),
        "internal_wall": _l("Internal wall"),
        "facade": _l("Facade"),
        "floor": _l("Floor"),
        "roof": _l("Roof"),
        "stair": _l("Stair"),
        "window": _l("Window"),
        "door": _l("Door"),
        "ceiling": _l("Ceiling"),
        "finish": _l("Finish"),
        "installation": _l("Building services"),
        "fixture": _l("Fixture"),
        # Connection types.
        "dry": _l("Dry (laid or stacked)"),
        "click": _l("Click or snap"),
        "bolted": _l("Bolted"),
        "screwed": _l("Screwed"),
        "nailed": _l("Nailed"),
        "lime_mortar": _l("Lime mortar"),
        "cement_mortar": _l("Cement mortar"),
        "glued": _l("Glued"),
        "welded": _l("Welded"),
        "cast": _l("Cast in place"),
        # Hazardous substances.
        "asbestos": _l("Asbestos"),
        "pcb": _l("PCB"),
        "lead": _l("Lead"),
        # Component statuses (reinstalled, disposed and transferred are event kinds too).
        "installed": _l("Installed"),
        "to_harvest": _l("To harvest"),
        "harvested": _l("Harvested"),
        "in_storage": _l("In storage"),
        "listed": _l("Listed"),
        "reserved": _l("Reserved"),
        "transferred": _l("Transferred"),
        "reinstalled": _l("Reinstalled"),
        "disposed": _l("Disposed of"),
        # Event kinds, those recorded on site and those the system writes.
        "inspected": _l("Inspected"),
        "dismantled": _l("Dismantled"),
        "stored": _l("Stored"),
        "transported": _l("Transported"),
        "note": _l("Note"),
        "status_changed": _l("Status changed"),
        # Disposal routes.
        "recycled": _l("Recycled"),
        "incinerated": _l("Incinerated"),
        "landfilled": _l("Landfilled"),
    }
)
