"""Reading the audit log: filtered, newest first, and each entry as field-by-field changes."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import tzinfo

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
    zone: tzinfo | None = None,
) -> Select:
    """Audit entries matching the filters, newest first. `since` and `until` are days in
    `zone` (the page's reader's), in UTC by default (the API)."""
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
        stmt = stmt.where(AuditEntry.at >= _start_of(since, zone))
    if until:
        stmt = stmt.where(AuditEntry.at < _start_of(until + timedelta(days=1), zone))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _start_of(day: date, zone: tzinfo | None) -> datetime:
    """The first moment of a day in a time zone, as naive UTC (how `at` is stored)."""
    start = datetime.combine(day, datetime.min.time())
    if zone is None:
        return start
    return _localized(start, zone).astimezone(UTC).replace(tzinfo=None)


def _localized(moment: datetime, zone: tzinfo) -> datetime:
    # pytz zones (Flask-Babel's) attach with localize(); zoneinfo ones with replace().
    localize = getattr(zone, "localize", None)
    return localize(moment) if localize else moment.replace(tzinfo=zone)


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
