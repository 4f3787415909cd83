"""Pagination of SQL selects for the API (X-Pagination header) and for pages."""

from flask import current_app, request

from app.extensions import db

MAX_PER_PAGE = 200


def paginate_api(stmt, pagination_parameters) -> list:
    """Run a select for the requested page and report the total to flask-smorest."""
    page = db.paginate(
        stmt,
        page=pagination_parameters.page,
        per_page=pagination_parameters.page_size,
        error_out=False,
        count=True,
    )
    pagination_parameters.item_count = page.total
    return page.items


def paginate_page(stmt, per_page: int | None = None):
    """Paginate a select from the page's ?page= and ?per_page= arguments."""
    per_page = per_page or current_app.config["DEFAULT_PER_PAGE"]
    return db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=min(request.args.get("per_page", per_page, type=int), MAX_PER_PAGE),
        error_out=False,
    )
