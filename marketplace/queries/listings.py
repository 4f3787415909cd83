"""Listing lookups: a listing's provenance (its building and the passports of its components),
the listings a user may see, and the components still in a listing."""

from app.extensions import db
from marketplace.models import Listing
from passports.models import Component


def provenance(listing: Listing) -> dict:
    """The origin building and the passports of the components in the lot."""
    from passports.qr import tag_url

    b = listing.building
    return {
        "building_id": b.id,
        "building": b.name,
        "city": b.city,
        "country": b.country,
        "year_built": b.year_built,
        "owner": listing.organisation.name,
        "components": [
            {
                "id": i.component.id,
                "tag": i.component.tag,
                "name": i.component.name,
                "tag_url": tag_url(i.component.tag),
            }
            for i in listing.items
        ],
    }


# A listing in these states is on the exchange, or was, and anyone signed in may read it.
PUBLIC_STATUSES = ("published", "sold_out", "expired")


def visible_listing(user, listing_id: int) -> Listing | None:
    """A listing the user may see: on the exchange, or their own organisation's."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return None
    if listing.status in PUBLIC_STATUSES:
        return listing
    own = user.is_authenticated and (
        user.role == "admin" or user.organisation_id == listing.organisation_id
    )
    return listing if own else None


def components_of(listing: Listing) -> list[Component]:
    """The components still in a listing."""
    return [item.component for item in listing.items]
