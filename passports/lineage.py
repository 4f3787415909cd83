"""A component's lineage: the lots it was split from, nearest first.

`split_from` links are written by the exchange (a lot split at collection) and by passport
imports. Every walk of them goes through `lineage`, which stops at a repeat and after
`MAX_LINEAGE_DEPTH` steps, so a cycle or an absurd chain already in the database can never
hold a worker. Imports refuse cycles before writing them (`lineage_cycles`).
"""

from app.extensions import db
from passports.models import Component

# Far beyond any real chain of splits (one per partial collection of the same lot).
MAX_LINEAGE_DEPTH = 64


def lineage(component: Component, limit: int = MAX_LINEAGE_DEPTH) -> list[Component]:
    """The ancestors of a component, nearest first, stopping on a repeat and after `limit`."""
    seen = {component.id}
    ancestors: list[Component] = []
    parent_id = component.split_from_id
    while parent_id is not None and parent_id not in seen and len(ancestors) < limit:
        parent = db.session.get(Component, parent_id)
        if parent is None:
            break
        seen.add(parent_id)
        ancestors.append(parent)
        parent_id = parent.split_from_id
    return ancestors


def lineage_cycles(parent_of: dict[str, str]) -> list[list[str]]:
    """The cycles among `child -> parent` links (each a list of keys), for refusing them."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent_of.get(node)
        if node is not None and node in on_path:
            cycles.append(path[path.index(node) :])
        done.update(path)
    return cycles
