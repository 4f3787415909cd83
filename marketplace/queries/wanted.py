"""Reading wanted requests: the list anyone may browse and search (open requests; a
organisation's own closed ones too), filtered by words, CPV prefix, family and status."""

from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.models import WantedRequest
from marketplace.permissions import visible_wanted
from marketplace.queries.filters import cpv_prefix


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def wanted_query(
    user,
    q: str | None = None,
    cpv: str | None = None,
    material_family: str | None = None,
    status: str | None = None,
    mine: bool | None = None,
) -> Select:
    """Requests the user may read, newest first: open ones unless `status` says otherwise
    (other statuses are the user's organisation's own, or any for admins); `mine` keeps the
    user's organisation's."""
    stmt = (
        select(WantedRequest)
        .options(joinedload(WantedRequest.organisation))
        .where(visible_wanted(user))
        .order_by(WantedRequest.id.desc())
    )
    if status:
        stmt = stmt.where(WantedRequest.status == status)
    elif not mine:
        stmt = stmt.where(WantedRequest.status == "open")
    if mine:
        if not getattr(user, "is_authenticated", False):
            return stmt.where(WantedRequest.id.is_(None))
        stmt = stmt.where(WantedRequest.organisation_id == user.organisation_id)
    if q and q.strip():
        words = [w for w in q.split() if w][:8]
        for w in words:
            pattern = _like(w)
            stmt = stmt.where(
                or_(
                    WantedRequest.title.ilike(pattern, escape="\\"),
                    WantedRequest.description.ilike(pattern, escape="\\"),
                    WantedRequest.location.ilike(pattern, escape="\\"),
                )
            )
    if cpv:
        prefix = cpv_prefix(cpv)
        # A request's prefix under the asked one, or the asked code under the request's.
        stmt = stmt.where(
            or_(
                WantedRequest.cpv_prefix.like(prefix + "%"),
                WantedRequest.cpv_prefix.in_([prefix[:n] for n in range(2, len(prefix))]),
            )
        )
    if material_family:
        stmt = stmt.where(WantedRequest.material_family == material_family)
    return stmt
