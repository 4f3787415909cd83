"""The controlled vocabularies of passports: families, statuses, units, categories."""

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
CONDITION_GRADES = {
    5: "As new: no visible wear, reusable as it is",
    4: "Good: light wear, reusable after cleaning",
    3: "Fair: reusable after minor repair",
    2: "Poor: reusable only after substantial refurbishment",
    1: "Unusable for reuse: recycle or recover",
}
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
DISMANTLING_GUIDE = {
    "dry": "Laid or stacked without fixings: lift out by hand or with a lifting aid.",
    "click": "Click or snap joint: release the clips in the reverse order of assembly.",
    "bolted": "Undo the bolts and nuts; keep fixings with the component for reuse.",
    "screwed": "Unscrew; keep screws in a bag with the component.",
    "nailed": "Prise apart carefully and remove the nails before stacking.",
    "lime_mortar": "Separate unit by unit; lime mortar cleans off, so units can be reused.",
    "cement_mortar": "Cement mortar is stronger than most units: cut or break out; reuse is "
    "limited, crushing for recycled aggregate is likely.",
    "glued": "Bonded: cut or heat to separate; expect damage to one side.",
    "welded": "Cut the welds (hot work permit); the parts can be re-welded or recycled.",
    "cast": "Cast in place: demolish; recover reinforcement and crush for aggregate.",
}
# Disassembly factors of a component's connections (levels of the DGBC detachability index;
# the scores are in passports/metrics/disassembly.py).
ACCESSIBILITY = {
    "free": "Freely accessible",
    "extra_actions": "Accessible with extra actions, without damage",
    "repairable_damage": "Accessible with extra actions causing repairable damage",
    "irreparable_damage": "Not accessible without irreparable damage",
}
INTERSECTIONS = {
    "none": "No other products cross it",
    "incidental": "Incidentally crossed by another product (a pipe, a cable)",
    "full": "Crossed by other products throughout",
}
EDGE_ENCLOSURES = {
    "open": "Open: edges free, lifts out without moving neighbours",
    "overlapping": "Overlapping: comes out after its neighbours, in order",
    "one_side": "Closed on one side: a neighbour or the edge must be cut",
    "enclosed": "Closed on several sides or embedded",
}
# How complete the data behind a component's metrics is (passports/metrics/component.py).
METRICS_QUALITIES = ("full", "defaults", "none")
