"""Reading the audit log: filtered, newest first, and each entry as field-by-field changes."""

from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import IGNORED_TABLES
from app.extensions import db


def entries_query(
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Select:
    """Audit entries matching the filters, newest first."""
    stmt = select(AuditEntry)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity.strip())
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id.strip())
    if actor:
        needle = actor.strip().lower()
        stmt = stmt.where(
            or_(
                func.lower(AuditEntry.actor_email).contains(needle, autoescape=True),
                func.lower(AuditEntry.source).contains(needle, autoescape=True),
            )
        )
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, datetime.min.time()))
    if until:
        end = datetime.combine(until + timedelta(days=1), datetime.min.time())
        stmt = stmt.where(AuditEntry.at < end)
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def entity_names() -> list[str]:
    """The entities an administrator can filter on: every table of the schema, and bulk writes."""
    tables = {table.name for table in db.metadata.sorted_tables} - IGNORED_TABLES
    return sorted(tables | {"import_job"})


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field the entry shows, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "update" and entry.changed:
        names = list(entry.changed)
        names += [name for name in after if name not in names]
    else:
        names = list(dict.fromkeys([*before, *after]))
    return [(name, before.get(name), after.get(name)) for name in names]
