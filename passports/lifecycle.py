"""The component lifecycle: which status may follow which."""

from passports.models import COMPONENT_STATUSES, STATUS_CHAIN


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
        return f"Unknown status {target!r}."
    if target == current:
        return None
    if target in allowed_next(current):
        return None
    allowed = ", ".join(allowed_next(current)) or "none (final state)"
    return f"Cannot move from {current} to {target}. Allowed next: {allowed}."
