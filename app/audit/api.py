"""REST API of the audit log: administrators read every write, filtered and paginated."""

from flask_smorest import Blueprint

from app.audit import queries
from app.audit.schemas import AuditEntrySchema
from app.audit.schemas import AuditQueryArgs
from app.auth.decorators import api_login_required
from app.auth.decorators import roles_required
from app.pagination import paginated

blp = Blueprint("audit_api", __name__, description="The audit log of every write (admins only)")


@blp.route("/audit", methods=["GET"])
@api_login_required
@roles_required("admin")
@blp.alt_response(403, description="Only administrators read the audit log.")
@paginated(blp, AuditEntrySchema, AuditQueryArgs)
def list_entries(args):
    """Every create, update and delete, newest first: who, when, before and after."""
    return queries.entries_query(**args)
