"""Pagination of SQL selects for the API (X-Pagination header) and for pages."""

from flask import current_app, request
from sqlalchemy import func, select

from app.extensions import db

MAX_PER_PAGE = 200
# No table holds more rows than an integer id counts: a page that starts further on is empty,
# and the database would refuse its OFFSET once it passes 2**63.
MAX_OFFSET = 2**31 - 1


def paginate_api(stmt, pagination_parameters) -> list:
    """Run a select for the requested page and report the total to flask-smorest."""
    if (pagination_parameters.page - 1) * pagination_parameters.page_size > MAX_OFFSET:
        # Past any real result, and past what an SQL OFFSET takes: an empty page, not an error.
        pagination_parameters.item_count = db.session.scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        )
        return []
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
    per_page = max(min(request.args.get("per_page", per_page, type=int), MAX_PER_PAGE), 1)
    page = request.args.get("page", 1, type=int)
    # An absurd page number is an empty page past the end, not an OFFSET the database refuses.
    return db.paginate(
        stmt, page=min(page, MAX_OFFSET // per_page + 1), per_page=per_page, error_out=False
    )
