"""Account requests: a visitor of the exchange asks for an account (rate-limited like the
login), and the instance's admins see the requests and mark them handled."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from app.auth.decorators import login_rate_limit
from app.errors import Forbidden
from app.extensions import db
from app.extensions import limiter
from app.forms import form_data
from app.forms import load_form
from app.pagination import paginate_page
from marketplace import alerts
from marketplace.models import AccountRequest
from marketplace.schemas.accounts import REQUESTABLE_ROLES
from marketplace.schemas.accounts import AccountRequestSchema
from marketplace.services import accounts
from marketplace.views import bp


@bp.route("/exchange/account-request", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def request_account():
    """Ask for an account: name, email, organisation, the role wanted and a message. The
    instance's admins are told."""
    values, errors = {"role": "buyer"}, {}
    if request.method == "POST":
        schema = AccountRequestSchema()
        values = request.form.to_dict()
        values.pop("csrf_token", None)
        try:
            data = load_form(schema, form_data(schema, request.form))
            accounts.request_account(data, str(get_locale() or "") or None)
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
        else:
            alerts.email_pending()
            flash(
                _(
                    "Thank you: your request has reached the exchange's administrators, who "
                    "will write to you at %(email)s.",
                    email=data["email"],
                ),
                "success",
            )
            return redirect(url_for("exchange.search"), 303)
    return render_template(
        "marketplace/account_request.html",
        values=values,
        errors=errors,
        roles=REQUESTABLE_ROLES,
    ), 422 if errors else 200


def _require_admin() -> None:
    if current_user.role != "admin":
        raise Forbidden(_("Only administrators see the account requests."))


@bp.route("/exchange/account-requests")
@login_required
def account_requests():
    """The requests for an account (admins): those to handle, or those handled."""
    _require_admin()
    handled = request.args.get("handled") == "1"
    return render_template(
        "marketplace/account_requests.html",
        page=paginate_page(accounts.account_requests(handled)),
        handled=handled,
    )


@bp.route("/exchange/account-requests/<int:account_request_id>/handled", methods=["POST"])
@login_required
def account_request_handled(account_request_id: int):
    """Mark a request handled (the admin created the account, or declined)."""
    _require_admin()
    account_request = db.get_or_404(AccountRequest, account_request_id)
    accounts.mark_handled(account_request)
    db.session.commit()
    flash(_("Marked handled: %(name)s.", name=account_request.name), "success")
    return redirect(url_for("exchange.account_requests"), 303)
