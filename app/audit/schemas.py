"""Schemas of the audit API: the filters (input) and an entry (output)."""

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.audit.models import ACTIONS
from app.pagination import PageArgs
from app.schema_fields import InputSchema
from app.schema_fields import UtcDateTime


class AuditFilters(InputSchema):
    """Filters of the audit log; all optional, combined with AND."""

    entity = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "Table name (`buildings`) or bulk write (`import_job`)."},
    )
    entity_id = fields.String(validate=validate.Length(max=64))
    actor = fields.String(
        validate=validate.Length(max=254),
        metadata={"description": "Part of the actor's email, or of the source (`cli:`)."},
    )
    action = fields.String(validate=validate.OneOf(ACTIONS))
    since = fields.Date(metadata={"description": "First day (UTC), inclusive."})
    # A last day before the first is an empty range, not an error: a query string cannot say
    # in its document that one argument must follow another.
    until = fields.Date(
        metadata={"description": "Last day (UTC), inclusive; before `since`, nothing matches."}
    )


class AuditQueryArgs(AuditFilters, PageArgs):
    """The audit log's filters and its page (the API)."""


class AuditEntrySchema(Schema):
    """One write: who, when, what, and the values before and after."""

    id = fields.Integer()
    at = UtcDateTime(metadata={"description": "When, in UTC."})
    actor_user_id = fields.Integer(allow_none=True)
    actor_email = fields.String(allow_none=True)
    actor_org_id = fields.Integer(allow_none=True)
    source = fields.String(
        metadata={"description": "`web`, `api`, `cli:<command>`, `job:<name>` or `system`."}
    )
    action = fields.String(validate=validate.OneOf(ACTIONS))
    entity = fields.String()
    entity_id = fields.String(allow_none=True)
    before = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={"description": "Whole row (delete) or changed columns (update)."},
    )
    after = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={"description": "Whole row (create) or changed columns (update)."},
    )
    changed = fields.List(fields.String(), allow_none=True)
    request_id = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    path = fields.String(allow_none=True)
    remote_addr = fields.String(allow_none=True)
