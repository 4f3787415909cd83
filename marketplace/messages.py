"""The inbox's messages: each kind of notification is stored as a code (`Notification.kind`)
with its parameters (`Notification.params`), and written out here in the language of whoever
reads it: the page's language in the inbox and the API, the recipient's in an email.

A message stored before messages were codes has no parameters: its stored English text is
shown as it is."""

from flask_babel import gettext as _

from app.i18n import word
from app.templating import number
from app.templating import quantity
from app.templating import unit


def saved_search_match(saved, listing) -> dict:
    """The parameters of a "new listing matches your saved search" message: what the reader
    saw at the time (the names may change later; the notification keeps them)."""
    return {
        "search": saved.name,
        "title": listing.title,
        "quantity": listing.quantity,
        "unit": listing.unit,
        "city": listing.city or "",
    }


def _saved_search_match(params: dict) -> str:
    quantity = f"{number(params.get('quantity'))} {unit(params.get('unit'))}".strip()
    if params.get("city"):
        return _(
            "New on the exchange for “%(search)s”: %(title)s (%(quantity)s, %(city)s).",
            search=params.get("search", ""),
            title=params.get("title", ""),
            quantity=quantity,
            city=params["city"],
        )
    return _(
        "New on the exchange for “%(search)s”: %(title)s (%(quantity)s).",
        search=params.get("search", ""),
        title=params.get("title", ""),
        quantity=quantity,
    )


# ------------------------------------------------------------------ reservation steps
def reservation_step(reservation) -> dict:
    """The parameters of a message about a reservation step: the lot's title, the quantity
    and its unit, both organisations' names, as they were at the time."""
    listing = reservation.listing
    return {
        "title": listing.title,
        "quantity": reservation.quantity,
        "unit": listing.unit,
        "seller": listing.organisation.name if listing.organisation else "",
        "buyer": reservation.buyer_organisation.name if reservation.buyer_organisation else "",
    }


def _amount(params: dict) -> str:
    return quantity(params.get("quantity"), params.get("unit"))


def _step_values(params: dict) -> dict:
    return {
        "title": params.get("title", ""),
        "quantity": _amount(params),
        "seller": params.get("seller", ""),
        "buyer": params.get("buyer", ""),
    }


def _reservation_requested(params: dict) -> str:
    return _(
        "%(buyer)s asks to reserve %(quantity)s of “%(title)s”: accept or reject the request.",
        **_step_values(params),
    )


def _reservation_accepted(params: dict) -> str:
    return _(
        "%(seller)s accepted your reservation of %(quantity)s of “%(title)s”: arrange the "
        "collection with them.",
        **_step_values(params),
    )


def _reservation_rejected(params: dict) -> str:
    return _(
        "%(seller)s declined your reservation of %(quantity)s of “%(title)s”.",
        **_step_values(params),
    )


def _reservation_cancelled(params: dict) -> str:
    return _(
        "%(buyer)s cancelled the reservation of %(quantity)s of “%(title)s”: the quantity is on "
        "offer again.",
        **_step_values(params),
    )


def _reservation_collected(params: dict) -> str:
    return _(
        "Collected: %(quantity)s of “%(title)s” from %(seller)s; the component passports are now "
        "your organisation's.",
        **_step_values(params),
    )


# ------------------------------------------------------------------ account requests
def account_requested(request) -> dict:
    """The parameters of a "someone asks for an account" message for the admins."""
    return {
        "name": request.name,
        "email": request.email,
        "organisation": request.organisation_name,
        "role": request.role,
    }


def _account_requested(params: dict) -> str:
    return _(
        "%(name)s (%(email)s) of %(organisation)s asks for an account as %(role)s.",
        name=params.get("name", ""),
        email=params.get("email", ""),
        organisation=params.get("organisation", ""),
        role=word(params.get("role", "")),
    )


def wanted_match(wanted, title: str, quantity, unit_code: str, city: str, future=False) -> dict:
    """The parameters of "a listing (or a building due for demolition) matches your wanted
    request"."""
    return {
        "request": wanted.title,
        "title": title,
        "quantity": quantity,
        "unit": unit_code,
        "city": city or "",
        "future": bool(future),
    }


def wanted_demand(wanted, title: str) -> dict:
    """The parameters of "a buyer wants components like those of your listing or building"."""
    return {
        "request": wanted.title,
        "organisation": wanted.organisation.name,
        "title": title,
        "quantity": wanted.quantity,
        "unit": wanted.unit,
    }


def wanted_offer(wanted, listing) -> dict:
    """The parameters of "a seller offers a lot for your wanted request"."""
    return {
        "request": wanted.title,
        "organisation": listing.organisation.name,
        "title": listing.title,
        "quantity": listing.quantity,
        "unit": listing.unit,
    }


def _wanted_match(params: dict) -> str:
    if params.get("future"):
        return _(
            "For your request “%(request)s”: %(quantity)s in %(title)s (%(city)s), "
            "a building due for demolition.",
            request=params.get("request", ""),
            quantity=_amount(params),
            title=params.get("title", ""),
            city=params.get("city", ""),
        )
    return _(
        "New on the exchange for your request “%(request)s”: %(title)s (%(quantity)s, %(city)s).",
        request=params.get("request", ""),
        title=params.get("title", ""),
        quantity=_amount(params),
        city=params.get("city", ""),
    )


def _wanted_demand(params: dict) -> str:
    return _(
        "%(organisation)s wants %(quantity)s: “%(request)s”. Components of %(title)s could "
        "serve it.",
        organisation=params.get("organisation", ""),
        quantity=_amount(params),
        request=params.get("request", ""),
        title=params.get("title", ""),
    )


def _wanted_offer(params: dict) -> str:
    return _(
        "%(organisation)s offers %(title)s (%(quantity)s) for your request “%(request)s”.",
        organisation=params.get("organisation", ""),
        title=params.get("title", ""),
        quantity=_amount(params),
        request=params.get("request", ""),
    )


_TEXTS = {
    "saved_search_match": _saved_search_match,
    "reservation_requested": _reservation_requested,
    "reservation_accepted": _reservation_accepted,
    "reservation_rejected": _reservation_rejected,
    "reservation_cancelled": _reservation_cancelled,
    "reservation_collected": _reservation_collected,
    "account_requested": _account_requested,
    "wanted_match": _wanted_match,
    "wanted_demand": _wanted_demand,
    "wanted_offer": _wanted_offer,
}


def notification_text(note) -> str:
    """A notification in the current language."""
    render = _TEXTS.get(note.kind)
    if note.params is None or render is None:
        return note.message or ""
    return render(note.params)


# Bundles: the seller of a listing chosen to replace a rejected or cancelled part.


def _bundle_part_replaced(params: dict) -> str:
    return _(
        "%(buyer)s asks for %(quantity)s of “%(title)s” to replace a part of a lot gathered "
        "from several sellers.",
        buyer=params.get("buyer", ""),
        quantity=_amount(params),
        title=params.get("title", ""),
    )


_TEXTS["bundle_part_replaced"] = _bundle_part_replaced
