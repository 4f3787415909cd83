"""Listing lookups: a listing's provenance (its building and the passports of its components),
the listings a user may see, and the components still in a listing."""

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy import select

from app.extensions import db
from app.urls import external_url
from marketplace.models import Listing
from marketplace.models import ListingComponent
from passports.models import Component
from passports.public_reads import read
from passports.resolver import OFFERS
from passports.resolver import Link
from passports.resolver import page_languages


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


@cache
def _offering_lots():
    """The statement of resolver_links, built once (it runs at every linkset)."""
    from marketplace.permissions import OFFERED_STATUSES  # it imports this module

    return (
        select(Listing.id, Listing.title)
        .join(ListingComponent, ListingComponent.listing_id == Listing.id)
        .where(
            ListingComponent.component_id == bindparam("component_id", required=False),
            Listing.status.in_(OFFERED_STATUSES),
        )
        .order_by(Listing.id)
    )


def resolver_links(subject) -> list:
    """The public listing pages of the lots offering a component, as links of the GS1
    resolver (registered with passports.resolver.on_resolver_links): schema:offers, one
    query. A draft, withdrawn or expired lot gives none: the exchange offers the components
    of published and sold-out lots (marketplace.permissions.OFFERED_STATUSES)."""
    rows = read(_offering_lots(), {"component_id": subject.id})
    return [
        Link(
            OFFERS,
            external_url("exchange.listing_detail", listing_id=listing_id),
            _("On the exchange: %(title)s", title=title),
            "text/html",
            page_languages(),
        )
        for listing_id, title in rows
    ]
