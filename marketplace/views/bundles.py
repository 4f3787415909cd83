"""Pages of bundles (lots gathered across sellers): the proposals for a wanted request with a
"Reserve this bundle" form, the organisation's bundles, and one bundle with its parts' states,
the replacement of a rejected part and the procurement exports. The same services as the API
(marketplace.services.bundles); the buyer's organisation only."""

from datetime import date

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from app.errors import Conflict
from app.extensions import db
from app.pagination import paginate_page
from app.templating import number
from app.templating import unit
from marketplace import alerts
from marketplace.exports.bundles import awarded_parts
from marketplace.exports.bundles import export_bundle
from marketplace.permissions import bundle_for
from marketplace.permissions import bundles_for
from marketplace.permissions import require_buyer
from marketplace.permissions import wanted_of_buyer
from marketplace.queries.bundles import proposals_view
from marketplace.queries.bundles import replaceable
from marketplace.schemas.bundles import BundleCreateSchema
from marketplace.services.bundles import replace_part
from marketplace.services.bundles import reserve_bundle
from marketplace.views import bp


@bp.route("/exchange/wanted/<int:wanted_id>/bundles")
@login_required
def wanted_bundles(wanted_id: int):
    """The best bundles for one of the organisation's wanted requests."""
    require_buyer(current_user)
    wanted = wanted_of_buyer(current_user, wanted_id)
    return render_template(
        "marketplace/bundle_proposals.html", wanted=wanted, view=proposals_view(wanted)
    )


def _form_bundle() -> dict:
    """The bundle form's fields as the API's input (numbers parsed; a bad one is a 422)."""
    ids, quantities = request.form.getlist("listing_id"), request.form.getlist("quantity")
    try:
        parts = [
            {"listing_id": int(i), "quantity": float(q)}
            for i, q in zip(ids, quantities, strict=True)
        ]
        wanted = request.form.get("wanted_request_id")
        needed = request.form.get("needed_by") or None
        data = {
            "parts": parts,
            "wanted_request_id": int(wanted) if wanted else None,
            "needed_by": date.fromisoformat(needed).isoformat() if needed else None,
            "message": request.form.get("message", ""),
        }
    except ValueError as exc:
        raise ValidationError({"parts": [_("The bundle's form was not complete.")]}) from exc
    return BundleCreateSchema().load(data)


def _messages(errors: dict) -> str:
    out = []
    for value in errors.values():
        if isinstance(value, dict):
            out.append(_messages(value))
        else:
            out += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return " ".join(out)


@bp.route("/exchange/bundles", methods=["POST"])
@login_required
def bundle_reserve():
    """Reserve a proposed bundle, all together or nothing."""
    require_buyer(current_user)
    back = request.form.get("wanted_request_id")
    fallback = (
        url_for("exchange.wanted_bundles", wanted_id=int(back))
        if back and back.isdigit()
        else url_for("exchange.bundle_list")
    )
    try:
        bundle = reserve_bundle(current_user, _form_bundle())
        db.session.commit()
        alerts.email_pending()
    except ValidationError as exc:
        db.session.rollback()
        flash(_messages(exc.messages), "error")
        return redirect(fallback, 303)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(fallback, 303)
    flash(
        ngettext(
            "Reserved %(quantity)s %(unit)s from %(num)d seller: each has been asked to accept.",
            "Reserved %(quantity)s %(unit)s from %(num)d sellers: each has been asked to accept.",
            len({p.listing.organisation_id for p in bundle.parts}),
            quantity=number(bundle.quantity),
            unit=unit(bundle.unit),
        ),
        "success",
    )
    return redirect(url_for("exchange.bundle_detail", bundle_id=bundle.id), 303)


@bp.route("/exchange/bundles")
@login_required
def bundle_list():
    """The bundles of the user's organisation, newest first."""
    return render_template(
        "marketplace/bundle_list.html", page=paginate_page(bundles_for(current_user))
    )


@bp.route("/exchange/bundles/<int:bundle_id>")
@login_required
def bundle_detail(bundle_id: int):
    """One bundle: its parts, each with its own seller and state, and the exports."""
    bundle = bundle_for(current_user, bundle_id)
    return render_template(
        "marketplace/bundle_detail.html",
        bundle=bundle,
        replaceable={p.id for p in bundle.parts if replaceable(p)},
        awarded=bool(awarded_parts(bundle)),
        sellers=len({p.listing.organisation_id for p in bundle.parts}),
    )


@bp.route("/exchange/bundles/<int:bundle_id>/parts/<int:reservation_id>/replace", methods=["POST"])
@login_required
def bundle_part_replace(bundle_id: int, reservation_id: int):
    """Replace a rejected or cancelled part from the next-best listings."""
    require_buyer(current_user)
    bundle = bundle_for(current_user, bundle_id)
    try:
        new, _notes = replace_part(current_user, bundle, reservation_id)
        db.session.commit()
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        alerts.email_pending()
        flash(
            ngettext(
                "Replaced: %(num)d new part has been requested.",
                "Replaced: %(num)d new parts have been requested.",
                len(new),
            ),
            "success",
        )
    return redirect(url_for("exchange.bundle_detail", bundle_id=bundle_id), 303)


@bp.route("/exchange/bundles/<int:bundle_id>/export.<any(csv, xlsx):fmt>")
@login_required
def bundle_export(bundle_id: int, fmt: str):
    """The bundle's parts, one line each, in the reader's language."""
    return export_bundle(bundle_for(current_user, bundle_id), fmt, for_people=True)
