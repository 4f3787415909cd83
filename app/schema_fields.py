"""Marshmallow fields the library lacks: a Float that refuses strings, like Integer(strict=True)."""

import numbers

from marshmallow import fields


class StrictFloat(fields.Float):
    """A JSON number only: "12.5" as a string is a type error, not a number."""

    def _validated(self, value):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)
