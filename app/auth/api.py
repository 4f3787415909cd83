"""REST endpoints for authentication: issue, list and revoke API tokens; change the password;
log out everywhere."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_login import logout_user
from flask_smorest import Blueprint
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy import select

from app.audit.actors import set_actor
from app.auth import services
from app.auth.decorators import api_login_required
from app.auth.decorators import login_rate_limit
from app.auth.lockout import AccountLocked
from app.auth.models import ApiToken
from app.auth.schemas import CredentialsSchema
from app.auth.schemas import PasswordChangeSchema
from app.auth.schemas import TokenIssuedSchema
from app.auth.schemas import TokenSchema
from app.auth.schemas import UserSchema
from app.auth.session import bearer_authenticated
from app.auth.session import renew_login
from app.extensions import csrf
from app.extensions import db
from app.extensions import limiter
from app.pagination import paginated

blp = Blueprint("auth_api", __name__, description="API tokens and the current user")
csrf.exempt(blp)


@blp.route("/auth/tokens", methods=["POST"])
@limiter.limit(login_rate_limit)
@blp.doc(security=[])
@blp.arguments(CredentialsSchema)
@blp.response(201, TokenIssuedSchema)
def create_token(credentials):
    """Exchange email and password for a bearer token."""
    try:
        user = services.authenticate(credentials["email"], credentials["password"])
    except AccountLocked as locked:
        abort(429, message=locked.message, headers={"Retry-After": str(locked.retry_after)})
    if user is None:
        abort(401, message=_("Wrong email or password."))
    set_actor(user)  # no session login here: the token's owner is the one writing
    token, clear = services.issue_token(
        user, credentials.get("name", "API"), credentials.get("expires_in_days")
    )
    db.session.commit()
    return {
        "id": token.id,
        "token": clear,
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
    }


@blp.route("/auth/tokens", methods=["GET"])
@api_login_required
@paginated(blp, TokenSchema)
def list_tokens(args):
    """The current user's tokens, newest first."""
    return select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def revoke_token(token_id):
    """Revoke one of the current user's tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404, message=_("No such token."))
    services.revoke_token(token)
    db.session.commit()


@blp.route("/auth/password", methods=["POST"])
@limiter.limit(login_rate_limit)
@api_login_required
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="The current password is wrong (`errors.current_password`) or the new one "
    "breaks the password rules (`errors.new_password`).",
)
@blp.alt_response(429, schema=ErrorSchema, description="Too many wrong current passwords.")
def change_password(body):
    """Change the password. Every browser login of the account ends, except this one's when
    called with its session cookie, which gets a fresh cookie; API tokens keep working."""
    try:
        services.change_password(current_user, body["current_password"], body["new_password"])
    except AccountLocked as locked:
        abort(429, message=locked.message, headers={"Retry-After": str(locked.retry_after)})
    if not bearer_authenticated():
        renew_login(current_user)
    db.session.commit()


@blp.route("/auth/logout-everywhere", methods=["POST"])
@api_login_required
@blp.response(204)
def logout_everywhere():
    """End every browser login of the account and revoke all its API tokens, the one making
    this call included."""
    services.log_out_everywhere(current_user)
    db.session.commit()
    logout_user()


@blp.route("/auth/me", methods=["GET"])
@api_login_required
@blp.response(200, UserSchema)
def me():
    """Who the token belongs to."""
    return current_user
