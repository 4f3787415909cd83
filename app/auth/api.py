"""REST endpoints for authentication: issue, list and revoke API tokens."""

from flask_login import current_user
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from app.audit.actors import set_actor
from app.auth import services
from app.auth.decorators import api_login_required, login_rate_limit
from app.auth.lockout import AccountLocked
from app.auth.models import ApiToken
from app.auth.schemas import CredentialsSchema, TokenIssuedSchema, TokenSchema, UserSchema
from app.extensions import csrf, db, limiter
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
        abort(401, message="Wrong email or password.")
    set_actor(user)  # no session login here: the token's owner is the one writing
    token, clear = services.issue_token(user, credentials.get("name", "API"))
    db.session.commit()
    return {
        "id": token.id,
        "token": clear,
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
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
        abort(404, message="No such token.")
    services.revoke_token(token)
    db.session.commit()


@blp.route("/auth/me", methods=["GET"])
@api_login_required
@blp.response(200, UserSchema)
def me():
    """Who the token belongs to."""
    return current_user
