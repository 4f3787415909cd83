"""Site-wide pages: the home page that routes each role to its work."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    """Landing page for visitors; logged-in users go to their work."""
    if current_user.is_authenticated:
        if current_user.role in ("owner", "contractor", "admin"):
            return redirect(url_for("passports.building_list"))
        return redirect(url_for("exchange.search"))
    return render_template("index.html")
