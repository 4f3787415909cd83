"""flask-smorest's Api with corrections to the OpenAPI document it writes, so that the
document describes what the API really answers (the fuzz tests hold it to that):

- lists answer the envelope of app.pagination, never flask-smorest's X-Pagination header,
  which the document therefore leaves out;
- `Range(min_inclusive=False)` (and its max twin) become `exclusiveMinimum`/`exclusiveMaximum`,
  which apispec leaves out, so "greater than 0" no longer reads as "0 or more"; a `Number`
  above 0 starts at `Number.SMALLEST`, as below it a number is 0;
- every text an input schema takes says it holds no NUL character (`InputSchema` refuses it);
- an input schema's `json_schema_rules` (rules across its fields, e.g. "latitude and longitude
  together") join its JSON Schema, so that the document states what validation enforces;
- query arguments of a schema with `query_object` are one exploded form object parameter of
  that name (the URL is the same, `?lat=…&lon=…`), so that its rules across arguments can be
  stated too; its page and per_page stay parameters of their own.
"""

import copy

import flask_smorest
from apispec.ext.marshmallow.common import resolve_schema_cls
from marshmallow import fields
from marshmallow import validate

from app.schema_fields import NUL_FREE
from app.schema_fields import InputSchema
from app.schema_fields import Number


def exclusive_range_attributes(self, field, **_) -> dict:
    """apispec attribute function: the exclusive bounds of a field's Range validators."""
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    attributes = {}
    if isinstance(field, Number) and any(v.min == 0 and not v.min_inclusive for v in ranges):
        attributes["minimum"] = Number.SMALLEST
    elif any(v.min is not None and not v.min_inclusive for v in ranges):
        attributes["exclusiveMinimum"] = True
    if any(v.max is not None and not v.max_inclusive for v in ranges):
        attributes["exclusiveMaximum"] = True
    return attributes


def nul_free_attributes(self, field, ret=None, **_) -> dict:
    """apispec attribute function: an input text without a pattern of its own holds no NUL."""
    if (
        isinstance(field, fields.String)
        and not field.dump_only
        and isinstance(field.root, InputSchema)
        and not {"pattern", "enum"} & set(ret or {})
    ):
        return {"pattern": NUL_FREE}
    return {}


def _with_rules(converter) -> None:
    """Add each input schema's `json_schema_rules` to its JSON Schema (not in a partial load:
    an edit states only what it changes), and give `query_object` schemas one parameter."""
    to_json_schema = converter.schema2jsonschema
    to_parameters = converter.schema2parameters

    def schema2jsonschema(schema):
        result = to_json_schema(schema)
        rules = getattr(resolve_schema_cls(schema), "json_schema_rules", None)
        if rules and not getattr(schema, "partial", None):
            result.update(copy.deepcopy(rules))
        return result

    def schema2parameters(schema, *, location, **kwargs):
        cls = resolve_schema_cls(schema)
        name = getattr(cls, "query_object", None)
        if location != "query" or name is None:
            return to_parameters(schema, location=location, **kwargs)
        own = cls.query_object_schema
        rest = [key for key in cls._declared_fields if key not in own._declared_fields]
        parameters = to_parameters(cls(only=rest), location=location, **kwargs) if rest else []
        return [
            {
                "in": "query",
                "name": name,
                "style": "form",
                "explode": True,
                "required": False,
                "description": own.__doc__.strip(),
                "schema": converter.resolve_nested_schema(own),
            },
            *parameters,
        ]

    converter.schema2jsonschema = schema2jsonschema
    converter.schema2parameters = schema2parameters


class Api(flask_smorest.Api):
    """The REST API extension (see the module docstring for what differs).

    A blueprint's views are documented when the OpenAPI document is first read, not when the
    blueprint is registered: apispec resolving every schema costs more than the rest of the
    app's start together, and most workers never serve the document. The document is the same.
    """

    @property
    def spec(self):
        """The OpenAPI document, with every blueprint registered so far documented in it."""
        state = self.__dict__
        pending, state["_undocumented"] = state.get("_undocumented") or [], []
        for blp, name, parameters in pending:
            blp.register_views_in_doc(
                self, self._app, state["_spec"], name=name, parameters=parameters
            )
            state["_spec"].tag({"name": name, "description": blp.description})
        return state.get("_spec")

    @spec.setter
    def spec(self, value) -> None:
        self.__dict__["_spec"] = value
        self.__dict__["_undocumented"] = []

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register a blueprint in the app; its views join the document when it is read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self.__dict__["_undocumented"].append((blp, name, parameters))

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(exclusive_range_attributes)
        self.ma_plugin.converter.add_attribute_function(nul_free_attributes)
        _with_rules(self.ma_plugin.converter)

    def _register_pagination_header(self):
        """No X-Pagination header: every list answers the envelope of app.pagination."""
