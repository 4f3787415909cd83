"""flask-smorest's Api with corrections to the OpenAPI document it writes, so that the
document describes what the API really answers (the fuzz tests hold it to that):

- lists answer the envelope of app.pagination, never flask-smorest's X-Pagination header,
  which the document therefore leaves out;
- `Range(min_inclusive=False)` (and its max twin) become `exclusiveMinimum`/`exclusiveMaximum`,
  which apispec leaves out, so "greater than 0" no longer reads as "0 or more"; a `Number`
  above 0 starts at `Number.SMALLEST`, as below it a number is 0.
"""

import flask_smorest
from marshmallow import validate

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


class Api(flask_smorest.Api):
    """The REST API extension (see the module docstring for what differs)."""

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(exclusive_range_attributes)

    def _register_pagination_header(self):
        """No X-Pagination header: every list answers the envelope of app.pagination."""
