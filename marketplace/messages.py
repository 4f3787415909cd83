"""The inbox's messages: each kind of notification is stored as a code (`Notification.kind`)
with its parameters (`Notification.params`), and written out here in the language of whoever
reads it: the page's language in the inbox and the API, the recipient's in an email.

A message stored before messages were codes has no parameters: its stored English text is
shown as it is."""

from flask_babel import gettext as _

from app.templating import number
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


_TEXTS = {"saved_search_match": _saved_search_match}


def notification_text(note) -> str:
    """A notification in the current language."""
    render = _TEXTS.get(note.kind)
    if note.params is None or render is None:
        return note.message or ""
    return render(note.params)


# Bundles: the seller of a listing chosen to replace a rejected or cancelled part.


def _bundle_part_replaced(params: dict) -> str:
    quantity = f"{number(params.get('quantity'))} {unit(params.get('unit'))}".strip()
    return _(
        "%(buyer)s asks for %(quantity)s of “%(title)s” to replace a part of a lot gathered "
        "from several sellers.",
        buyer=params.get("buyer", ""),
        quantity=quantity,
        title=params.get("title", ""),
    )


_TEXTS["bundle_part_replaced"] = _bundle_part_replaced
