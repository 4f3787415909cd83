"""The hazard rule: asbestos, PCB and lead stop a component being handled or offered for reuse
until a clearance (survey, removal certificate, lab result) is recorded. Other substances are
recorded and shown, but do not block. Everything that asks "is this component still hazardous?"
asks here: the exchange before it publishes, the events before a component is disturbed."""

from passports.models import Component
from passports.models import ComponentHazard

BLOCKING_HAZARDS = ("asbestos", "pcb", "lead")


def uncleared_hazards(component: Component) -> list[ComponentHazard]:
    """The component's asbestos, PCB or lead hazards that have no clearance record yet."""
    return [h for h in component.hazards if h.kind in BLOCKING_HAZARDS and h.cleared_at is None]
