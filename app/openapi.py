"""flask-smorest's Api with two corrections to the OpenAPI document it writes, so that the
document describes what the API really answers (the fuzz tests hold it to that):

- the X-Pagination header is JSON text: OpenAPI 3 describes that with `content`, whereas a
  `schema` of type object means comma-separated `key,value` pairs;
- `Range(min_inclusive=False)` (and its max twin) become `exclusiveMinimum`/`exclusiveMaximum`,
  which apispec leaves out, so "greater than 0" no longer reads as "0 or more".
"""

import flask_smorest
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import validate


def exclusive_range_attributes(self, field, **_) -> dict:
    """apispec attribute function: the exclusive bounds of a field's Range validators."""
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    attributes = {}
    if any(v.min is not None and not v.min_inclusive for v in ranges):
        attributes["exclusiveMinimum"] = True
    if any(v.max is not None and not v.max_inclusive for v in ranges):
        attributes["exclusiveMaximum"] = True
    return attributes


class Api(flask_smorest.Api):
    """The REST API extension (see the module docstring for what differs)."""

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(exclusive_range_attributes)

    def _register_pagination_header(self):
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON.",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )
