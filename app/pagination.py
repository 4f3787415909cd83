"""Pagination: the one contract of every API list, and the pages' own paging.

Every list endpoint of the API takes `page` and `per_page` (1 to 100, default 20) on top of its
filters, refuses query arguments it does not know (422 naming them), and answers one envelope,
`{"items": [...], "total", "page", "per_page"}`. `PageArgs` is the base of the query arguments,
`envelope` the response schema and `paginated` the decorator that puts them together:

    @blp.route("/buildings", methods=["GET"])
    @api_login_required
    @paginated(blp, BuildingSchema, BuildingQueryArgs)
    def list_buildings(args):
        return queries.buildings_query(current_user, **args)

The view returns a select (counted and sliced in SQL) or a list, and the decorator the page.
"""

from functools import wraps

from flask import current_app
from flask import request
from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.extensions import db
from app.schema_fields import MAX_ID
from app.schema_fields import InputSchema

MAX_PER_PAGE = 200
API_MAX_PER_PAGE = 100
API_PER_PAGE = 20
# No table holds more rows than an integer id counts: a page that starts further on is empty,
# and the database would refuse its OFFSET once it passes 2**63.
MAX_OFFSET = 2**31 - 1


class PageArgs(InputSchema):
    """The page of a list: the base of every list endpoint's query arguments."""

    class Meta:
        unknown = RAISE

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The page, from 1."},
    )
    per_page = fields.Integer(
        load_default=API_PER_PAGE,
        validate=validate.Range(min=1, max=API_MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {API_MAX_PER_PAGE}."},
    )


class PageSchema(Schema):
    """The envelope of a list: one page of items and where it stands."""

    total = fields.Integer(metadata={"description": "Items in the whole list."})
    page = fields.Integer()
    per_page = fields.Integer()


_ENVELOPES: dict[type, type[Schema]] = {}


def envelope(item_schema: type[Schema], base: type[Schema] = PageSchema) -> type[Schema]:
    """The envelope schema of a list of `item_schema` (`BuildingPage` for `BuildingSchema`)."""
    key = (item_schema, base)
    if key not in _ENVELOPES:
        name = item_schema.__name__.removesuffix("Schema") + "Page"
        _ENVELOPES[key] = type(
            name,
            (base,),
            {
                "items": fields.List(fields.Nested(item_schema)),
                "__doc__": f"A page of {item_schema.__name__.removesuffix('Schema')} items.",
            },
        )
    return _ENVELOPES[key]


def page_of(items, page: int, per_page: int) -> dict:
    """The envelope of one page of a select (counted and sliced in SQL) or of a list."""
    if isinstance(items, list | tuple):
        start = (page - 1) * per_page
        return {
            "items": list(items[start : start + per_page]),
            "total": len(items),
            "page": page,
            "per_page": per_page,
        }
    result = db.paginate(items, page=page, per_page=per_page, error_out=False, count=True)
    return {"items": result.items, "total": result.total, "page": page, "per_page": per_page}


def paginated(blp, item_schema: type[Schema], query_args: type[Schema] = PageArgs):
    """Decorator of a list endpoint: parse `query_args` (a `PageArgs`, unknown arguments
    refused), call the view with the filters and answer the envelope of its page."""

    def decorator(view):
        @wraps(view)
        def wrapper(args, *view_args, **view_kwargs):
            page, per_page = args.pop("page"), args.pop("per_page")
            return page_of(view(args, *view_args, **view_kwargs), page, per_page)

        wrapper = blp.response(200, envelope(item_schema))(wrapper)
        return blp.arguments(query_args, location="query", unknown=RAISE)(wrapper)

    return decorator


def paginate_page(stmt, per_page: int | None = None):
    """Paginate a select from the page's ?page= and ?per_page= arguments."""
    per_page = per_page or current_app.config["DEFAULT_PER_PAGE"]
    per_page = max(min(request.args.get("per_page", per_page, type=int), MAX_PER_PAGE), 1)
    page = request.args.get("page", 1, type=int)
    # An absurd page number is an empty page past the end, not an OFFSET the database refuses.
    return db.paginate(
        stmt, page=min(page, MAX_OFFSET // per_page + 1), per_page=per_page, error_out=False
    )
