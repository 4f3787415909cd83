"""Writing the audit log: every ORM write recorded in the transaction that makes it.

Capture. `install` hooks the application's session. After each flush, every object the flush
created, changed or deleted becomes one audit row: the full row for a create or a delete, and
only the changed columns (before and after) for an update. All rows of a flush go to the
database in one executemany on the flush's own connection, so a write that is rolled back
leaves no audit row and a committed write always has one. Before the flush, the old values of
changed columns that were never loaded (set on an expired object) are read in one query per
such object, and objects about to be deleted are loaded whole, so that before-values are real.

Values are stored JSON-safe and bounded, and secrets (password and token hashes) redacted:
see `app.audit.values`. The actor (request user, CLI command, background job or system) and
the request come from `app.audit.actors`.

Not captured, on purpose:
- the audit table itself, and data recomputed from other rows on every write: the dashboards'
  per-building aggregates (`building_metrics`, `building_metric_parts`, `building_activity`,
  `dashboard.services`), each component's stored metrics (`mci`, `disassembly_score`,
  `carbon_a1a3_kg`, `metrics_quality`, `passports.metrics.stored`) and the exchange's search
  index (`listing_search`, `listings.search_vector`);
- statements below the ORM. Those that people start record themselves with `record`: an
  import's bulk insert of components (one "import_job" row with the counts and the new ids), a
  reservation's claim on a listing's quantity and its release, notifications marked read or
  unlinked in bulk, listings expired in bulk. The demo and synthetic data generators
  (`flask demo ...`, `passports.synthetic`) and bulk recomputations (`flask dashboard refresh`,
  the search reindex) write below the ORM and are not recorded;
- rows the database deletes by itself (ON DELETE CASCADE) when the ORM never loaded them.
"""

from functools import cache

from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import NO_VALUE

from app.audit.actors import Actor
from app.audit.actors import context
from app.audit.actors import current_actor
from app.audit.models import ACTIONS
from app.audit.models import AuditEntry
from app.audit.values import fields
from app.database import listen_once
from app.extensions import db

IGNORED_TABLES = frozenset(
    {
        "audit_log",
        "building_metrics",
        "building_metric_parts",
        "building_activity",
        "listing_search",
    }
)
DERIVED_COLUMNS = {
    "components": frozenset({"mci", "disassembly_score", "carbon_a1a3_kg", "metrics_quality"}),
    "listings": frozenset({"search_vector"}),
}

_PRIOR = "audit_prior_values"


def _audited(obj) -> Mapper | None:
    """The mapper of an object the log records, or None for ignored tables."""
    mapper = inspect(obj).mapper
    table = getattr(mapper.local_table, "name", None)
    return None if table is None or table in IGNORED_TABLES else mapper


@cache
def _columns(mapper: Mapper) -> tuple[str, ...]:
    """The column attributes of a mapper that the log records."""
    derived = DERIVED_COLUMNS.get(mapper.local_table.name, frozenset())
    return tuple(prop.key for prop in mapper.column_attrs if prop.key not in derived)


def _entity_id(mapper: Mapper, state) -> str | None:
    values = [state.dict.get(mapper.get_property_by_column(c).key) for c in mapper.primary_key]
    if all(v is None for v in values):
        return None
    return ":".join("" if v is None else str(v) for v in values)[:64]


def _before_flush(session, _flush_context, _instances) -> None:
    """Read the old values the update rows will need and the ORM never loaded."""
    prior: dict[int, dict] = {}
    session.info[_PRIOR] = prior
    for obj in session.dirty:
        mapper = _audited(obj)
        if mapper is None:
            continue
        state = inspect(obj)
        columns = set(_columns(mapper))
        missing = [
            key for key, old in state.committed_state.items() if old is NO_VALUE and key in columns
        ]
        if missing and state.identity is not None:
            where = [c == v for c, v in zip(mapper.primary_key, state.identity, strict=True)]
            attrs = [mapper.attrs[key].class_attribute for key in missing]
            row = session.execute(select(*attrs).where(*where)).first()
            if row is not None:
                prior[id(obj)] = dict(zip(missing, row, strict=True))
    for obj in session.deleted:
        mapper = _audited(obj)
        if mapper is None:
            continue
        expired = inspect(obj).expired_attributes.intersection(_columns(mapper))
        if expired:
            getattr(obj, next(iter(expired)))  # loads every expired column at once


def _describe(action: str, mapper: Mapper, state, prior: dict) -> dict | None:
    """Before, after and changed of one object's write; None when no logged column changed."""
    if action == "create":
        # A column never set was inserted as NULL; one the database filled and the ORM did
        # not fetch back (expired) is left out rather than guessed.
        expired = state.expired_attributes
        row = {key: state.dict.get(key) for key in _columns(mapper) if key not in expired}
        return {"action": action, "before": None, "after": fields(row), "changed": None}
    if action == "delete":
        row = {key: state.dict[key] for key in _columns(mapper) if key in state.dict}
        return {"action": action, "before": fields(row), "after": None, "changed": None}
    before, after, changed = {}, {}, []
    for key in _columns(mapper):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        changed.append(key)
        before[key] = history.deleted[0] if history.deleted else prior.get(key)
        after[key] = history.added[0] if history.added else None
    if not changed:
        return None
    return {"action": action, "before": fields(before), "after": fields(after), "changed": changed}


def _after_flush(session, _flush_context) -> None:
    """Insert one audit row per object this flush wrote, in one executemany."""
    prior = session.info.pop(_PRIOR, {})
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            mapper = _audited(obj)
            if mapper is None:
                continue
            state = inspect(obj)
            row = _describe(action, mapper, state, prior.get(id(obj), {}))
            if row is not None:
                row.update(entity=mapper.local_table.name, entity_id=_entity_id(mapper, state))
                rows.append(row)
    if rows:
        who = context(current_actor())
        session.connection().execute(insert(AuditEntry.__table__), [{**who, **row} for row in rows])


def _after_rollback(session) -> None:
    session.info.pop(_PRIOR, None)


def install() -> None:
    """Attach the audit hooks to the application's session (idempotent)."""
    listen_once(
        db.session,
        {
            "before_flush": _before_flush,
            "after_flush": _after_flush,
            "after_rollback": _after_rollback,
        },
    )


# ---------------------------------------------------------------- explicit entries
def record(
    action: str,
    entity: str,
    entity_id=None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    changed: list[str] | None = None,
    actor=None,
) -> None:
    """Log a write made below the ORM (a bulk insert, a Core UPDATE) in the current transaction.

    `actor` is a user object; by default the current actor (request user, CLI command, job).
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    who = current_actor() if actor is None else Actor.of(actor, current_actor().source)
    row = {
        **context(who),
        "action": action,
        "entity": entity[:64],
        "entity_id": None if entity_id is None else str(entity_id)[:64],
        "before": fields(before),
        "after": fields(after),
        "changed": list(changed) if changed else None,
    }
    db.session.connection().execute(insert(AuditEntry.__table__), [row])
