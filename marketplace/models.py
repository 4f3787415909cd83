"""Listings on the exchange, the components they offer, reservations, saved searches and the
in-app inbox."""

from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import Organisation
from app.auth.models import User
from app.auth.models import _in
from app.extensions import db
from app.i18n import words
from app.models import CreatedMixin
from app.models import StoredFileMixin
from app.models import TimestampMixin
from passports.models import Building
from passports.models import Component
from passports.models.vocab import MATERIAL_FAMILIES
from passports.models.vocab import UNITS

LISTING_STATUSES = ("draft", "published", "sold_out", "withdrawn", "expired")
PRICE_BASES = ("fixed", "free", "on_request")
RESERVATION_STATUSES = ("requested", "accepted", "rejected", "cancelled", "collected")
# What a reservation's parties do to it (marketplace.services.steps), in the order it goes.
RESERVATION_STEPS = ("accept", "reject", "cancel", "collect")
# A buyer's wanted request: open until fulfilled, withdrawn by the buyer or past its date.
WANTED_STATUSES = ("open", "fulfilled", "withdrawn", "expired")
# What a buyer says of a request (the rest is the app's: status, dates, organisation).
WANTED_FIELDS = (
    "title",
    "description",
    "cpv_prefix",
    "material_family",
    "quantity",
    "unit",
    "width_mm",
    "height_mm",
    "depth_mm",
    "length_mm",
    "tolerance_mm",
    "condition_min",
    "location",
    "latitude",
    "longitude",
    "radius_km",
    "needed_by",
    "max_price_eur",
)
# Each kind of inbox message is a code with parameters (Notification.params), written out in
# the reader's language when read (marketplace.messages).
NOTIFICATION_KINDS = (
    "saved_search_match",
    # wanted requests: the buyer hears of matches and offers, the owner of demand
    "wanted_match",
    "wanted_demand",
    "wanted_offer",
    # each reservation step, told to the other side
    "reservation_requested",
    "reservation_accepted",
    "reservation_rejected",
    "reservation_cancelled",
    "reservation_collected",
    "bundle_part_replaced",
    # a visitor asks for an account; the instance's admins hear of it
    "account_requested",
)

# A price basis is said in words here rather than through app.i18n.words: "free" is also
# one of the passports' accessibility levels ("Freely accessible"), and the registry is one
# namespace.
PRICE_BASIS_WORDS = {
    "fixed": _l("Price per unit"),
    "free": _l("Free of charge"),
    "on_request": _l("Price on request"),
}

words(
    {
        "draft": _l("Draft"),
        "published": _l("Published"),
        "sold_out": _l("Sold out"),
        "withdrawn": _l("Withdrawn"),
        "expired": _l("Expired"),
        "requested": _l("Requested"),
        "accepted": _l("Accepted"),
        "rejected": _l("Rejected"),
        "cancelled": _l("Cancelled"),
        "collected": _l("Collected"),
        "accept": _l("Accept"),
        "reject": _l("Reject"),
        "cancel": _l("Cancel reservation"),
        "collect": _l("Mark collected"),
        "saved_search_match": _l("New match for a saved search"),
        "open": _l("Open"),
        "fulfilled": _l("Fulfilled"),
        "wanted_match": _l("A match for your wanted request"),
        "wanted_demand": _l("A buyer wants components like yours"),
        "wanted_offer": _l("An offer for your wanted request"),
    }
)


class Listing(TimestampMixin, db.Model):
    """A lot offered on the exchange, made of components of one building."""

    __tablename__ = "listings"
    __repr_attrs__ = ("id", "title", "status")
    __table_args__ = (
        CheckConstraint(_in("status", LISTING_STATUSES), name="status"),
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint(_in("price_basis", PRICE_BASES), name="price_basis"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        # The last line of defence against overselling: availability never goes negative.
        CheckConstraint(
            "quantity_available >= 0 AND quantity_available <= quantity", name="available"
        ),
        CheckConstraint("price_eur IS NULL OR price_eur >= 0", name="price"),
        CheckConstraint("condition IS NULL OR (condition BETWEEN 1 AND 5)", name="condition"),
        CheckConstraint(
            "material_family IS NULL OR " + _in("material_family", MATERIAL_FAMILIES),
            name="family",
        ),
        Index("ix_listings_status_available_from", "status", "available_from"),
        Index("ix_listings_status_lat_lon", "status", "pickup_latitude", "pickup_longitude"),
        # The search's facts, covering (migration 0006): a search without words reads this
        # index, not the wide rows. The narrow index above stays for PostgreSQL, which ANDs
        # its bitmap of the radius box with the full-text one.
        Index(
            "ix_listings_search_facts",
            "status",
            "pickup_latitude",
            "pickup_longitude",
            "available_until",
            "available_from",
            "cpv_code",
            "material_family",
            "condition",
            "city",
            "quantity_available",
            "price_basis",
            "price_eur",
            "published_at",
            "co2_avoided_kg",
            # A search by measures reads them here too (migration 0014_dims).
            "width_mm",
            "height_mm",
            "depth_mm",
            "length_mm",
            "id",
        ),
        Index("ix_listings_status_cpv", "status", "cpv_code"),
        # A wanted request's matching (migration 0014): published lots of a unit in a box,
        # with the measures, family, CPV code and condition read from the index alone.
        Index(
            "ix_listings_matching",
            "status",
            "unit",
            "pickup_latitude",
            "pickup_longitude",
            "width_mm",
            "height_mm",
            "length_mm",
            "depth_mm",
            "material_family",
            "cpv_code",
            "condition",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cpv_code: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[float] = mapped_column(Float)
    quantity_available: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    price_eur: Mapped[float | None] = mapped_column(Float)
    price_basis: Mapped[str] = mapped_column(String(12), default="fixed")
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    future_stock: Mapped[bool] = mapped_column(default=False)
    pickup_address: Mapped[str] = mapped_column(String(300), default="")
    pickup_latitude: Mapped[float | None] = mapped_column(Float)
    pickup_longitude: Mapped[float | None] = mapped_column(Float)
    condition: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Denormalised from the components when the listing is written, for search and facets.
    city: Mapped[str] = mapped_column(String(120), default="")
    material_family: Mapped[str | None] = mapped_column(String(20))
    materials_text: Mapped[str] = mapped_column(Text, default="")
    manufacturer: Mapped[str] = mapped_column(String(200), default="")
    mass_kg: Mapped[float | None] = mapped_column(Float)
    co2_avoided_kg: Mapped[float | None] = mapped_column(Float)
    # One element's measures (mm) and mass, from the lot's components (one kind, so alike
    # within the tolerance), and the lot's category, for search and matching (migration 0013).
    category: Mapped[str | None] = mapped_column(String(24))
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)
    depth_mm: Mapped[float | None] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    unit_mass_kg: Mapped[float | None] = mapped_column(Float)
    # The wanted request this lot was offered for, when an owner offered it from the request.
    wanted_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("wanted_requests.id"), index=True
    )
    # PostgreSQL full-text search; SQLite uses the FTS5 table listing_search instead.
    search_vector = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True)

    organisation: Mapped[Organisation] = relationship()
    building: Mapped[Building] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list["ListingComponent"]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="ListingComponent.id"
    )
    photos: Mapped[list["ListingPhoto"]] = relationship(
        back_populates="listing", order_by="ListingPhoto.id"
    )
    wanted_request: Mapped["WantedRequest | None"] = relationship()

    # What is left on offer, so that every figure of a card is about the same quantity.
    @property
    def share_left(self) -> float:
        """The part of the lot still on offer (0 to 1); a draft counts whole."""
        if self.status == "draft":
            return 1.0
        if not self.quantity:
            return 0.0
        return max(0.0, min(1.0, (self.quantity_available or 0.0) / self.quantity))

    @property
    def all_left(self) -> bool:
        """True while nothing of the lot is reserved or gone."""
        return self.share_left >= 1.0 - 1e-9

    @property
    def mass_left_kg(self) -> float | None:
        """The mass of what is left on offer."""
        return None if self.mass_kg is None else self.mass_kg * self.share_left

    @property
    def co2_avoided_left_kg(self) -> float | None:
        """The CO2 that reusing what is left avoids, before transport."""
        return None if self.co2_avoided_kg is None else self.co2_avoided_kg * self.share_left


class ListingComponent(db.Model):
    """A component offered in a listing."""

    __tablename__ = "listing_components"
    __repr_attrs__ = ("listing_id", "component_id")
    __table_args__ = (UniqueConstraint("listing_id", "component_id", name="listing_component"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)

    listing: Mapped[Listing] = relationship(back_populates="items")
    component: Mapped[Component] = relationship()


class ListingPhoto(StoredFileMixin, db.Model):
    """A photo or evidence document of a listing, stored like event photos."""

    __tablename__ = "listing_photos"
    __repr_attrs__ = ("id", "listing_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    caption: Mapped[str] = mapped_column(String(200), default="")

    listing: Mapped[Listing] = relationship(back_populates="photos")


class Reservation(TimestampMixin, db.Model):
    """A buyer's claim on a quantity of a listing."""

    __tablename__ = "reservations"
    __repr_attrs__ = ("id", "listing_id", "quantity", "status")
    __table_args__ = (
        CheckConstraint(_in("status", RESERVATION_STATUSES), name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_listing_status", "listing_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    buyer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    quantity: Mapped[float] = mapped_column(Float)
    needed_by: Mapped[date | None] = mapped_column(Date)
    destination_building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    status: Mapped[str] = mapped_column(String(12), default="requested")
    distance_km: Mapped[float | None] = mapped_column(Float)
    co2_avoided_kg: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    collected_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A part of a bundle (a lot gathered across sellers), and the rejected or cancelled part
    # it replaced.
    bundle_id: Mapped[int | None] = mapped_column(
        ForeignKey("bundles.id", ondelete="CASCADE"), index=True
    )
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"))

    listing: Mapped[Listing] = relationship()
    buyer: Mapped[User] = relationship()
    buyer_organisation: Mapped[Organisation] = relationship()
    destination: Mapped[Building | None] = relationship()
    # What its collection moved, written by marketplace.transfer (never inferred from notes).
    moved: Mapped[list["ReservationComponent"]] = relationship(
        viewonly=True, order_by="ReservationComponent.component_id"
    )


class ReservationComponent(db.Model):
    """A component that a collected reservation moved to the buyer (the lot or its split part)."""

    __tablename__ = "reservation_components"
    __repr_attrs__ = ("reservation_id", "component_id")

    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), primary_key=True)
    quantity: Mapped[float] = mapped_column(Float)

    reservation: Mapped[Reservation] = relationship()
    component: Mapped[Component] = relationship()


class SavedSearch(CreatedMixin, db.Model):
    """A buyer's search, run against every newly published listing."""

    __tablename__ = "saved_searches"
    __repr_attrs__ = ("id", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict] = mapped_column(JSON)

    user: Mapped[User] = relationship()


class Notification(CreatedMixin, db.Model):
    """A message in a user's in-app inbox: a kind (a code) and its parameters, written out in
    the language of whoever reads it. `message` holds the English text of a notification
    stored before messages were codes (migration 0011 turned those it could read into
    parameters); it is empty for every other."""

    __tablename__ = "notifications"
    __repr_attrs__ = ("id", "user_id", "kind")
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(String(500), default="")
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"))
    saved_search_id: Mapped[int | None] = mapped_column(ForeignKey("saved_searches.id"))
    wanted_request_id: Mapped[int | None] = mapped_column(ForeignKey("wanted_requests.id"))
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("bundles.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def text(self) -> str:
        """The message in the current language (the request's, or one forced for an email)."""
        from marketplace.messages import notification_text

        return notification_text(self)


class WantedRequest(TimestampMixin, db.Model):
    """What a buyer's project needs: a kind of component, a quantity, measures with a
    tolerance, a condition, a place with a radius, a date and a price limit."""

    __tablename__ = "wanted_requests"
    __repr_attrs__ = ("id", "title", "status")
    __table_args__ = (
        CheckConstraint(_in("status", WANTED_STATUSES), name="status"),
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("tolerance_mm >= 0", name="tolerance"),
        CheckConstraint(
            "(width_mm IS NULL OR width_mm > 0) AND (height_mm IS NULL OR height_mm > 0) AND "
            "(depth_mm IS NULL OR depth_mm > 0) AND (length_mm IS NULL OR length_mm > 0)",
            name="dimensions",
        ),
        CheckConstraint("max_price_eur IS NULL OR max_price_eur >= 0", name="price"),
        CheckConstraint(
            "condition_min IS NULL OR (condition_min BETWEEN 1 AND 5)", name="condition"
        ),
        CheckConstraint(
            "material_family IS NULL OR " + _in("material_family", MATERIAL_FAMILIES),
            name="family",
        ),
        CheckConstraint(
            "radius_km IS NULL OR (latitude IS NOT NULL AND longitude IS NOT NULL)",
            name="radius_needs_location",
        ),
        Index("ix_wanted_requests_status_needed_by", "status", "needed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cpv_prefix: Mapped[str | None] = mapped_column(String(10))
    material_family: Mapped[str | None] = mapped_column(String(20))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)
    depth_mm: Mapped[float | None] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    tolerance_mm: Mapped[float] = mapped_column(Float, default=10.0)
    condition_min: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_km: Mapped[float | None] = mapped_column(Float)
    needed_by: Mapped[date | None] = mapped_column(Date)
    max_price_eur: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()


class Bundle(TimestampMixin, db.Model):
    """A lot gathered across sellers: one reservation per listing (its parts, Reservation.
    bundle_id), reserved all together or not at all, for a request or a destination."""

    __tablename__ = "bundles"
    __repr_attrs__ = ("id", "buyer_organisation_id", "quantity")
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    buyer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    wanted_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("wanted_requests.id"), index=True
    )
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    # Where the lot goes: transport CO2 and distances are measured to here.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    destination_building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    needed_by: Mapped[date | None] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text, default="")

    buyer: Mapped[User] = relationship()
    buyer_organisation: Mapped[Organisation] = relationship()
    wanted_request: Mapped[WantedRequest | None] = relationship()
    destination: Mapped[Building | None] = relationship()
    parts: Mapped[list[Reservation]] = relationship(
        order_by="Reservation.id", foreign_keys="Reservation.bundle_id", viewonly=True
    )


class AccountRequest(CreatedMixin, db.Model):
    """A visitor's request for an account, for the instance's admins to act on."""

    __tablename__ = "account_requests"
    __repr_attrs__ = ("id", "email")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    message: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(10))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
