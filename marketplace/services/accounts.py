"""Account requests: a visitor asks for an account, every active admin is told (inbox, and
email where configured), and an admin marks the request handled once they have acted on it.
Writes flush; the edge commits and then emails (`alerts.email_pending`)."""

from sqlalchemy import Select
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.models import stamp_once
from marketplace import messages
from marketplace.alerts import notify
from marketplace.models import AccountRequest


def request_account(data: dict, locale: str | None) -> AccountRequest:
    """Keep a visitor's request (validated by AccountRequestSchema) and tell the admins."""
    request = AccountRequest(
        name=data["name"].strip(),
        email=data["email"].strip(),
        organisation_name=data["organisation_name"].strip(),
        role=data["role"],
        message=data.get("message", "").strip(),
        locale=locale,
    )
    db.session.add(request)
    db.session.flush()
    admins = db.session.scalars(select(User.id).where(User.role == "admin", User.active)).all()
    notify(admins, "account_requested", messages.account_requested(request))
    return request


def account_requests(handled: bool = False) -> Select:
    """The requests still to handle (or those handled), newest first."""
    condition = (
        AccountRequest.handled_at.is_not(None) if handled else AccountRequest.handled_at.is_(None)
    )
    return select(AccountRequest).where(condition).order_by(AccountRequest.id.desc())


def mark_handled(request: AccountRequest) -> AccountRequest:
    """The admin has acted on the request (created the account, or declined it)."""
    return stamp_once(request, "handled_at")
