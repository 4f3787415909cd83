"""Schemas of the import API: the upload form, the report, past imports and material mappings."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest.error_handler import ErrorSchema
from flask_smorest.fields import Upload
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.pagination import PageArgs
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from passports.imports.models import ImportRun
from passports.imports.models import MaterialMapping
from passports.imports.pipeline.lookalikes import CHOICES

# Source names are compared by their letters and digits (passports.imports.matching), in any
# script ("Baksteen", "レンガ", "砖"): a name needs one, and no NUL.
NAMED = r"^[^\x00]*[^\W_][^\x00]*$"


class ImportFormSchema(InputSchema):
    """The form fields of an import, beside its file (`dry_run` may also be a query argument)."""

    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "true: check and report, write nothing (answers 200)."},
    )
    duplicates = fields.String(
        load_default=None,
        allow_none=False,  # a form field is absent or one of the choices, never "null"
        validate=validate.OneOf(CHOICES),
        metadata={
            "description": "Spreadsheet rows without external_id that match a component of "
            "the building by name, storey and quantity: `update` that component, or `add` a "
            "new one. Without it they are added, and the report's `duplicates` lists them."
        },
    )


class ImportFileSchema(ImportFormSchema):
    """The multipart body of an import: the file and the form fields. webargs reads one
    location per schema, so this one is loaded from the files and documents the whole body;
    the form fields are loaded by ImportFormSchema. (Two `arguments` would document the form
    as an OpenAPI 2 `formData` parameter, which OpenAPI 3 does not have.)"""

    file = Upload(required=True, metadata={"description": "A CSV, XLSX or IFC file."})


class CountsSchema(Schema):
    """How many rows were read, and what became of them."""

    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
    incomplete = fields.Integer(metadata={"description": "Imported but flagged incomplete."})
    errors = fields.Integer()
    warnings = fields.Integer()


class ProblemSchema(Schema):
    """An error or warning, numbered, with its row and column (or IFC element)."""

    number = fields.Integer()
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    element = fields.String(allow_none=True)
    message = fields.String()
    text = fields.String(metadata={"description": "e.g. Row 14, column 'quantity': …"})


class SuggestionSchema(Schema):
    """A library material an unmatched name may mean."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class UnmatchedSchema(Schema):
    """A material name that matched nothing in the library."""

    name = fields.String()
    key = fields.String()
    count = fields.Integer()
    where = fields.List(fields.String())
    suggestions = fields.List(fields.Nested(SuggestionSchema))


class MaterialTotalSchema(Schema):
    """Volume and mass of one material over the imported components."""

    material_id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    family = fields.String()
    components = fields.Integer()
    volume_m3 = fields.Float()
    mass_kg = fields.Float()


class IdsReasonSchema(Schema):
    """Why an element fails a requirement."""

    code = fields.String(
        allow_none=True,
        metadata={
            "description": "attribute, material, quantity_set, quantity, quantity_value, "
            "storey, classification, classification_code, classification_system (null: see text)"
        },
    )
    field = fields.String(metadata={"description": "The attribute or quantities asked for."})
    text = fields.String(metadata={"description": "ifctester's reason, in English."})


class IdsFailureSchema(Schema):
    """An element that fails a specification of the IDS."""

    guid = fields.String(allow_none=True)
    ifc_class = fields.String()
    name = fields.String()
    reasons = fields.List(fields.Nested(IdsReasonSchema))
    at = fields.List(
        fields.Float(), allow_none=True, metadata={"description": "Its origin, x y z in metres."}
    )


class IdsRequirementSchema(Schema):
    """A requirement (facet) of a specification, and how many elements fail it."""

    facet = fields.String(metadata={"description": "attribute, material, property, partof …"})
    description = fields.String(metadata={"description": "ifctester's wording, in English."})
    failed = fields.Integer()


class IdsSpecificationSchema(Schema):
    """One specification of the IDS and its figures on the model."""

    identifier = fields.String(metadata={"description": "Stable code, e.g. MP-03."})
    name = fields.String(metadata={"description": "As the IDS file words it (English)."})
    description = fields.String()
    instructions = fields.String()
    usage = fields.String(metadata={"description": "required or optional"})
    status = fields.String(metadata={"description": "passed, failed or not_applicable"})
    applicable = fields.Integer(metadata={"description": "Elements it applies to."})
    passed = fields.Integer()
    failed = fields.Integer()
    requirements = fields.List(fields.Nested(IdsRequirementSchema))
    failures = fields.List(fields.Nested(IdsFailureSchema))
    failures_truncated = fields.Boolean()


class IdsCheckSchema(Schema):
    """IFC: the model checked against the material passport's IDS (a warning, never an
    error: a model that fails it can still be imported)."""

    ids = fields.Dict(metadata={"description": "The IDS file: file, title, version."})
    schema = fields.String(metadata={"description": "The model's IFC schema."})
    status = fields.String(metadata={"description": "passed, failed, or error (not checked)"})
    ok = fields.Boolean()
    failed_specifications = fields.Integer()
    seconds = fields.Float()
    message = fields.String(allow_none=True)
    specifications = fields.List(fields.Nested(IdsSpecificationSchema))


class ImportReportSchema(Schema):
    """What an import did (or, in a dry run, would do)."""

    file = fields.Dict()
    dry_run = fields.Boolean()
    committed = fields.Boolean()
    ok = fields.Boolean()
    import_id = fields.Integer(allow_none=True)
    counts = fields.Nested(CountsSchema)
    errors = fields.List(fields.Nested(ProblemSchema))
    errors_truncated = fields.Boolean()
    warnings = fields.List(fields.Nested(ProblemSchema))
    unmatched_materials = fields.List(fields.Nested(UnmatchedSchema))
    materials = fields.List(fields.Nested(MaterialTotalSchema))
    columns = fields.Dict(metadata={"description": "CSV/XLSX: headers matched and ignored."})
    duplicates = fields.Dict(
        metadata={
            "description": "CSV/XLSX: rows without external_id that match components of the "
            "building by name, storey and quantity (`count`, `rows`), and the `choice` made "
            "for them (update, add, or null)."
        }
    )
    ifc = fields.Dict(
        metadata={
            "description": "IFC: schema, units, storeys, counts by class, elements "
            "without quantities, proxies, elements not imported."
        }
    )
    ids = fields.Nested(IdsCheckSchema, allow_none=True)


class ImportFailedSchema(ErrorSchema):
    """422: the import has errors, numbered by row and column; nothing was written."""

    report = fields.Nested(ImportReportSchema, metadata={"description": "The whole report."})


def _model_url(run: ImportRun) -> str | None:
    if run.model_file is None:
        return None
    return url_for("passports_api.import_ifc_model", building_id=run.building_id, import_id=run.id)


class ImportRunSchema(ModelSchema):
    """A committed import."""

    class Meta(ModelSchema.Meta):
        model = ImportRun
        # Where the model is kept on the server is the server's business: model_url gives it.
        exclude = ("model_file",)

    report = fields.Nested(ImportReportSchema)
    model_url = fields.Function(
        _model_url,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "The kept IFC model of an IFC import, written back with the "
            "passports (CPset_MaterialPassport); null for spreadsheets and for IFC imports "
            "made before models were kept.",
        },
    )


class ImportRunListSchema(ImportRunSchema):
    """A committed import, without its report."""

    class Meta(ImportRunSchema.Meta):
        exclude = ("report", "model_file")


class TemplateArgs(InputSchema):
    """Which template to download."""

    format = fields.String(load_default="xlsx", validate=validate.OneOf(("csv", "xlsx")))


class MappingSchema(ModelSchema):
    """A remembered answer: this source name means that library material."""

    class Meta(ModelSchema.Meta):
        model = MaterialMapping
        exclude = ("source_key", "created_by_id")

    material_name = fields.Function(lambda m: m.material.name)


class MappingCreateSchema(InputSchema):
    """Remember a source name for the organisation (an existing one is re-pointed)."""

    source_name = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=200),
            validate.Regexp(NAMED, error=_l("Give the name as it appears in the file.")),
        ],
        metadata={"description": "Names are compared by their letters and digits, in any script."},
    )
    material_id = Id(required=True)
    organisation_id = Id(metadata={"description": "Admins only: another organisation's mappings."})


class MappingUpdateSchema(InputSchema):
    """Point a remembered name at another material."""

    material_id = Id(required=True)


class MappingQueryArgs(PageArgs):
    """Filters for the mapping list."""

    organisation_id = Id(strict=False, metadata={"description": "Admins only."})
