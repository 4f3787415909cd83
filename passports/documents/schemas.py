"""Schemas for passport documents: snapshot input and output, comparisons, import results.

The passport document itself is described by its JSON Schema (`passports/schema/`), not here.
"""

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from passports.documents.models import PassportSnapshot
from passports.schemas import BuildingSchema


class SnapshotCreateSchema(InputSchema):
    """Freeze the passport as it stands: a label ("as built", "before demolition") and a note."""

    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    note = fields.String(validate=validate.Length(max=2000))

    @validates("label")
    def _not_blank(self, value, **_):
        if not value.strip():
            raise ValidationError("Give the version a label, e.g. “as built”.")


class SnapshotSchema(ModelSchema):
    """A frozen passport version, without its document."""

    class Meta(ModelSchema.Meta):
        model = PassportSnapshot
        exclude = ("created_by_id", "document")

    created_by = fields.Function(lambda s: s.created_by.email if s.created_by else None)


class SnapshotDetailSchema(SnapshotSchema):
    """A frozen passport version with its document (schema 1.0)."""

    class Meta(SnapshotSchema.Meta):
        exclude = ("created_by_id",)

    document = fields.Raw()


class CompareArgs(InputSchema):
    """Two versions to compare: snapshot ids, or "current" for the passport as it is now."""

    from_ = Id(
        strict=False,
        required=True,
        data_key="from",
        metadata={"description": "The older version: a snapshot id."},
    )
    to = fields.String(
        required=True,
        validate=validate.Regexp(r"^([1-9][0-9]{0,9}|current)$"),
        metadata={"description": "The newer version: a snapshot id, or `current`."},
    )


class ChangeSchema(Schema):
    """One changed field."""

    field = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class ComponentBriefSchema(Schema):
    """A component in a comparison."""

    tag = fields.String()
    name = fields.String()
    storey = fields.String()
    category = fields.String()
    status = fields.String()
    mass_kg = fields.Float(allow_none=True)
    changes = fields.List(fields.Nested(ChangeSchema))


class VersionSchema(Schema):
    """One side of a comparison."""

    id = fields.Integer(allow_none=True)
    label = fields.String()
    created_at = fields.String(allow_none=True)
    building_id = fields.Integer()


class ComparisonSchema(Schema):
    """What changed between two versions of a building's passport."""

    building_id = fields.Integer()
    from_ = fields.Nested(VersionSchema, data_key="from", attribute="from")
    to = fields.Nested(VersionSchema)
    added = fields.List(fields.Nested(ComponentBriefSchema))
    removed = fields.List(fields.Nested(ComponentBriefSchema))
    changed = fields.List(fields.Nested(ComponentBriefSchema))
    unchanged_count = fields.Integer()
    building_changes = fields.List(fields.Nested(ChangeSchema))
    totals = fields.Dict(keys=fields.String(), values=fields.Dict())
    by_family = fields.List(fields.Dict())
    by_status = fields.List(fields.Dict())


class ImportResultSchema(Schema):
    """The building a passport import made."""

    building = fields.Nested(BuildingSchema)
    component_count = fields.Integer()
    tags_kept = fields.Integer(metadata={"description": "Components that kept their tag."})
    tags_renewed = fields.Integer(
        metadata={"description": "Components given a new tag (theirs was taken here)."}
    )
