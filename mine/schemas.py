"""API schemas of the building register: the import's form, a job's state and report, the
register buildings and their list filters."""

from flask_smorest.fields import Upload
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.pagination import PageArgs
from app.schema_fields import MAX_ID
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from mine.models import RegisterBuilding
from passports.models.vocab import USE_TYPES


class RegisterImportFormSchema(InputSchema):
    """The form fields of a register import, beside its file."""

    dry_run = fields.Boolean(
        load_default=True,
        metadata={"description": "true (default): check and report; false: write, all or nothing."},
    )
    organisation_id = fields.Integer(
        load_default=None,
        allow_none=False,  # a form field is absent or a number, never "null"
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Admins: the organisation whose register it is (default: own)."},
    )


class RegisterImportFileSchema(RegisterImportFormSchema):
    """The multipart body: the file (CSV or GeoJSON FeatureCollection) and the form fields."""

    file = Upload(required=True, metadata={"description": "A register CSV or GeoJSON file."})


class RegisterErrorSchema(Schema):
    row = fields.Integer(
        allow_none=True,
        metadata={"description": "CSV: line in the file (header = 1); GeoJSON: feature, from 1."},
    )
    field = fields.String(allow_none=True)
    message = fields.String()


class RegisterImportCountsSchema(Schema):
    """What a register import did (or would do, in a preview), row by row."""

    rows = fields.Integer()
    new = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.Integer()
    without_estimate = fields.Integer(metadata={"description": "Imported without floor area."})
    kept = fields.Integer(metadata={"description": "In the register but not in the file: kept."})
    linked = fields.Integer(metadata={"description": "Entries linked to a passport building."})


class RegisterSampleSchema(Schema):
    row = fields.Integer()
    status = fields.String(metadata={"description": "new, updated or unchanged"})
    register_id = fields.String()
    address = fields.String()
    use_type = fields.String()
    year_built = fields.Integer(allow_none=True)
    floor_area_m2 = fields.Float(allow_none=True)
    estimated_mass_kg = fields.Float(allow_none=True)
    estimated_carbon_kg = fields.Float(allow_none=True)


class RegisterReportSchema(Schema):
    ok = fields.Boolean()
    dry_run = fields.Boolean()
    committed = fields.Boolean()
    organisation_id = fields.Integer()
    filename = fields.String()
    kind = fields.String(metadata={"description": "csv or geojson"})
    counts = fields.Nested(RegisterImportCountsSchema)
    errors = fields.List(
        fields.Nested(RegisterErrorSchema),
        metadata={"description": "The first errors (at most 200; counts.errors has them all)."},
    )
    errors_shown = fields.Integer()
    sample = fields.List(fields.Nested(RegisterSampleSchema))
    imported_at = fields.String(allow_none=True)


class RegisterJobSchema(Schema):
    """A register import job: where it stands, and its report once done."""

    job_id = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    phase = fields.String(allow_none=True)
    done = fields.Integer()
    total = fields.Integer()
    status_url = fields.String()
    report = fields.Nested(RegisterReportSchema, allow_none=True)


class RegisterBuildingSchema(ModelSchema):
    """One building of a city's register with its estimate."""

    class Meta(ModelSchema.Meta):
        model = RegisterBuilding
        exclude = ("created_at",)


class RegisterBuildingQueryArgs(PageArgs):
    city = fields.String(validate=validate.Length(max=120))
    use = fields.String(validate=validate.OneOf(USE_TYPES))
    has_passport = fields.Boolean()
    q = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "Part of the address or register id."},
    )
    organisation_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Admins: one organisation's register."},
    )
