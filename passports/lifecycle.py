"""The component lifecycle: which status may follow which."""

from flask_babel import gettext as _

from app.i18n import word
from passports.hazards import uncleared_hazards
from passports.models import COMPONENT_STATUSES
from passports.models import STATUS_CHAIN


def allowed_next(status: str) -> tuple[str, ...]:
    """Statuses reachable from `status` in one step: the next link of the chain, or disposal."""
    if status == "disposed":
        return ()
    following = ()
    if status in STATUS_CHAIN:
        index = STATUS_CHAIN.index(status)
        following = STATUS_CHAIN[index + 1 : index + 2]
    return (*following, "disposed")


def transition_error(current: str, target: str) -> str | None:
    """Why `current` may not move to `target`, or None when it may."""
    if target not in COMPONENT_STATUSES:
        return _("Unknown status %(status)s.", status=repr(target))
    if target == current:
        return None
    if target in allowed_next(current):
        return None
    following = allowed_next(current)
    if not following:
        return _(
            "Cannot move from “%(current)s” to “%(target)s”: “%(current)s” is a final state.",
            current=word(current),
            target=word(target),
        )
    return _(
        "Cannot move from “%(current)s” to “%(target)s”. Allowed next: %(allowed)s.",
        current=word(current),
        target=word(target),
        allowed=", ".join(word(s) for s in following),
    )


# What each on-site event does: the statuses it may be recorded in, and the status it leads to
# (None: the status stays). Dismantling an installed component passes through to_harvest.
_ALIVE = tuple(s for s in COMPONENT_STATUSES if s != "disposed")
EVENT_RULES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "note": (COMPONENT_STATUSES, None),
    "inspected": (_ALIVE, None),
    "dismantled": (("installed", "to_harvest"), "harvested"),
    "stored": (("harvested", "in_storage", "transferred"), "in_storage"),
    "transported": (("harvested", "in_storage", "listed", "reserved", "transferred"), None),
    "reinstalled": (("transferred",), "reinstalled"),
    "disposed": (_ALIVE, "disposed"),
}


def allowed_events(status: str) -> tuple[str, ...]:
    """The event kinds that may be recorded for a component in this status."""
    return tuple(kind for kind, (sources, _) in EVENT_RULES.items() if status in sources)


# Substances that must be cleared (removed or found safe, with evidence) before a component is
# taken out, moved, stored or built in again, or offered for reuse.
# On-site events that disturb a component: refused while a blocking hazard is uncleared.
DISTURBING_EVENTS = ("dismantled", "transported", "stored", "reinstalled")


def events_for(component) -> tuple[str, ...]:
    """The event kinds that may be recorded now: allowed by the status, and not disturbing
    the component while one of its hazards is uncleared."""
    blocked = DISTURBING_EVENTS if uncleared_hazards(component) else ()
    return tuple(kind for kind in allowed_events(component.status) if kind not in blocked)


def event_outcome(kind: str, status: str) -> str | None:
    """The status after recording `kind` in `status`; raises ValueError if not allowed."""
    sources, target = EVENT_RULES[kind]
    if status not in sources:
        raise ValueError(kind)
    if target is None or target == status:
        return status
    if kind == "stored" and status == "transferred":
        # A buyer putting collected stock into their own store keeps it transferred.
        return status
    return target


def status_path(current: str, target: str) -> list[str]:
    """The chain of single allowed steps from current to target (empty when equal)."""
    if current == target:
        return []
    if target in allowed_next(current):
        return [target]
    if current in STATUS_CHAIN and target in STATUS_CHAIN:
        start, end = STATUS_CHAIN.index(current), STATUS_CHAIN.index(target)
        if end > start:
            return list(STATUS_CHAIN[start + 1 : end + 1])
    raise ValueError(f"no path from {current} to {target}")
