"""Bundles across sellers: which listings, taken together, serve a wanted request that no
single listing covers.

`propose_bundles` is a pure function of the candidates (no database, no app): it returns the
few best sets of listings from at most `max_sellers` sellers (a seller is the listing's
organisation) that together cover the quantity, ranked by transport CO2 (tonnes × km to the
request's location × the transport factor), then by the number of sellers, then by how many
parts have unknown figures, then by price.
`bundle_candidates` and `proposals_for` are its query: the listings that meet the request
(`marketplace.queries.matching.listing_conditions`, the one home of that rule), measured
from the request's location.

The method is exact: a branch and bound over the sellers.
- For a fixed set of sellers, the cheapest way to cover the quantity is greedy: take the
  listings of those sellers in order of transport CO2 per unit until the quantity is met
  (a linear cost over capacities; with whole pieces every capacity and the quantity are
  whole, so the greedy answer is whole too). The search therefore only chooses sellers.
- Sellers are branched on (include, then exclude) in order of their cheapest unit, so good
  bundles are found first. Once the chosen sellers cover the quantity (a bundle, recorded),
  a seller added to them only makes a distinct bundle if the greedy order would take from
  it, i.e. its first listing comes before the last unit the chosen sellers give: the later
  sellers are not tried.
- A branch is cut when it cannot cover the quantity (the sellers chosen plus the largest
  sellers that may still be added fall short), or when its lower bound cannot beat the
  `limit`-th best bundle found. The lower bound covers the quantity greedily from the chosen
  sellers' listings and the undecided sellers' listings, the latter capped at what the
  `max_sellers - chosen` largest undecided sellers can hold: every completion of the branch
  satisfies that relaxation, so the bound never cuts a better bundle (a linear programme
  with one cap on a subset, which the greedy order solves exactly). The seller count's bound
  is the sellers chosen, plus as many of the largest undecided ones as it takes to cover
  (plus one when they already cover: that bundle is recorded, its supersets are larger).
Each bundle found is a set of sellers that all contribute (a superset whose extra seller
would take nothing is the same bundle), so the answers are distinct.

Unknown figures: a listing without a pickup location, or without a unit mass, is ranked as
if it were as far (or as heavy) as the farthest (heaviest) candidate known, so that missing
data never makes a lot look cleaner than it is; its own figures are shown as unknown (None)
and left out of the totals.
"""

import math
from dataclasses import dataclass
from dataclasses import field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.models import WantedRequest
from marketplace.queries.matching import listing_conditions
from marketplace.services.rules import EPSILON
from passports.metrics import DEFAULT_TRANSPORT_KGCO2E_PER_TKM
from passports.metrics import haversine_km
from passports.metrics import transport_kg

DEFAULT_MAX_SELLERS = 5
# How many bundles are proposed, and how many listings the query hands the proposal (the
# nearest first when the request has a location).
PROPOSALS = 3
CANDIDATE_LIMIT = 50
# Two CO2 figures closer than this (kg) are a tie, decided by the number of sellers.
_TIE_KG = 1e-6


@dataclass(frozen=True)
class Candidate:
    """A listing that can serve the request, with what the proposal needs to know of it.

    `price_eur` is per unit (0 when free, None when on request); `co2_avoided_per_unit` is
    the seller's estimate before transport; `listing` is carried for the pages, unused here.
    """

    listing_id: int
    seller_id: int
    available: float
    seller: str = ""
    distance_km: float | None = None
    unit_mass_kg: float | None = None
    price_eur: float | None = 0.0
    co2_avoided_per_unit: float | None = None
    listing: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Part:
    """One listing's share of a bundle."""

    candidate: Candidate
    quantity: float
    transport_kg: float | None
    co2_avoided_kg: float | None
    price_eur: float | None

    @property
    def listing_id(self) -> int:
        return self.candidate.listing_id

    @property
    def listing(self):
        return self.candidate.listing

    @property
    def seller_id(self) -> int:
        return self.candidate.seller_id

    @property
    def seller(self) -> str:
        return self.candidate.seller

    @property
    def distance_km(self) -> float | None:
        return self.candidate.distance_km


@dataclass(frozen=True)
class Proposal:
    """A bundle: its parts (cheapest in CO2 first) and totals. `transport_kg` and
    `co2_avoided_kg` add up the parts whose figures are known; `unknown` counts the others;
    `price_eur` is None when a part is priced on request."""

    parts: tuple[Part, ...]
    quantity: float
    sellers: int
    transport_kg: float
    co2_avoided_kg: float | None
    price_eur: float | None
    unknown: int = 0


def _mass(candidate: Candidate) -> float | None:
    return candidate.unit_mass_kg if candidate.unit_mass_kg and candidate.unit_mass_kg > 0 else None


def propose_bundles(
    candidates: list[Candidate],
    quantity: float,
    max_sellers: int = DEFAULT_MAX_SELLERS,
    max_price: float | None = None,
    *,
    whole: bool = False,
    factor: float = DEFAULT_TRANSPORT_KGCO2E_PER_TKM,
    limit: int = PROPOSALS,
) -> list[Proposal]:
    """The `limit` best bundles covering `quantity` from at most `max_sellers` sellers, best
    first (exact branch and bound: see the module). `whole`: pieces, so whole quantities.
    Listings priced above `max_price` per unit (or on request, when a limit is set) are left
    out. No bundle can cover it: an empty list."""
    if quantity <= 0 or max_sellers < 1 or limit < 1:
        return []
    need = math.ceil(quantity - EPSILON) if whole else quantity
    usable: list[tuple[Candidate, float]] = []
    for c in candidates:
        available = math.floor(c.available + EPSILON) if whole else c.available
        if available <= EPSILON:
            continue
        if max_price is not None and (c.price_eur is None or c.price_eur > max_price + EPSILON):
            continue
        usable.append((c, float(available)))
    if not usable:
        return []
    masses = [m for c, _a in usable if (m := _mass(c)) is not None]
    distances = [c.distance_km for c, _a in usable if c.distance_km is not None]
    worst_mass, worst_distance = max(masses, default=0.0), max(distances, default=0.0)

    def unit_cost(c: Candidate) -> float:
        mass = _mass(c) or worst_mass
        distance = c.distance_km if c.distance_km is not None else worst_distance
        return transport_kg(mass, distance, factor)

    # Listings in the greedy order: cheapest CO2 per unit, then the larger, then by id.
    rows = sorted(
        ((unit_cost(c), available, c) for c, available in usable),
        key=lambda r: (r[0], -r[1], r[2].listing_id),
    )
    seller_ids = list(dict.fromkeys(r[2].seller_id for r in rows))  # by cheapest unit
    capacity = {s: 0.0 for s in seller_ids}
    for _cost, available, c in rows:
        capacity[c.seller_id] += available
    if sum(capacity.values()) < need - EPSILON:
        return []
    # Sellers in branching order: by their first listing in the greedy order.
    order = seller_ids
    position = {s: i for i, s in enumerate(order)}
    listing_seller = [position[c.seller_id] for _cost, _a, c in rows]
    first_row = [listing_seller.index(i) for i in range(len(order))]
    costs = [r[0] for r in rows]
    amounts = [r[1] for r in rows]
    # The largest capacities among the sellers still undecided at each depth.
    suffix_caps = [
        sorted((capacity[s] for s in order[i:]), reverse=True) for i in range(len(order) + 1)
    ]
    best: list[tuple[tuple, list[float]]] = []  # (key, taken per row), best first

    def fill(chosen: set[int], depth: int, cap_rest: float | None) -> tuple[float, list]:
        """Greedy cover of `need` from the chosen sellers' listings and (when `cap_rest` is
        given) at most that much from the undecided sellers'. Returns (cost, taken)."""
        left, total, rest_left = need, 0.0, cap_rest or 0.0
        taken = [0.0] * len(rows)
        for k, s in enumerate(listing_seller):
            if left <= EPSILON:
                break
            if s in chosen:
                take = min(amounts[k], left)
            elif cap_rest is not None and s >= depth and rest_left > EPSILON:
                take = min(amounts[k], left, rest_left)
                rest_left -= take
            else:
                continue
            taken[k] = take
            left -= take
            total += take * costs[k]
        return (total if left <= EPSILON else math.inf), taken

    def worse_or_equal(lb: float, sellers: int) -> bool:
        """Can nothing of this bound enter the best `limit`?"""
        if len(best) < limit:
            return False
        worst_cost, worst_sellers = best[-1][0][0], best[-1][0][1]
        if lb > worst_cost + _TIE_KG:
            return True
        return lb >= worst_cost - _TIE_KG and sellers >= worst_sellers

    def record(chosen: set[int]) -> None:
        cost, taken = fill(chosen, len(order), None)
        used = {listing_seller[k] for k, t in enumerate(taken) if t > EPSILON}
        if cost == math.inf or used != chosen:
            return  # short, or the same bundle as a smaller set of sellers
        price = 0.0
        for k, t in enumerate(taken):
            if t > EPSILON:
                p = rows[k][2].price_eur
                price = math.inf if p is None else price + p * t
        used_rows = [rows[k][2] for k, t in enumerate(taken) if t > EPSILON]
        unknown = sum(1 for c in used_rows if c.distance_km is None or _mass(c) is None)
        ids = tuple(sorted(c.listing_id for c in used_rows))
        best.append(((cost, len(chosen), unknown, price, ids), taken))
        best.sort(key=lambda b: (round(b[0][0] / _TIE_KG), *b[0][1:]))
        del best[limit:]

    def search(depth: int, chosen: set[int], chosen_cap: float) -> None:
        if depth == len(order) or len(chosen) == max_sellers:
            return
        covered = chosen_cap >= need - EPSILON
        if covered:
            # A seller added to a set that covers is only part of a distinct bundle when
            # its first listing comes before the set's last unit taken, and later sellers'
            # come later still.
            _cost, taken = fill(chosen, len(order), None)
            last = max(k for k, t in enumerate(taken) if t > EPSILON)
            if first_row[depth] > last:
                return
        slots = max_sellers - len(chosen)
        cap_rest = sum(suffix_caps[depth][:slots])
        if chosen_cap + cap_rest < need - EPSILON:
            return
        # The fewest sellers any completion needs: the largest undecided ones first.
        fewest, held = len(chosen) + (1 if covered else 0), chosen_cap
        for more in suffix_caps[depth]:
            if held >= need - EPSILON:
                break
            held += more
            fewest += 1
        if worse_or_equal(0.0, fewest):
            return
        lb, _taken = fill(chosen, depth, cap_rest)
        if worse_or_equal(lb, fewest):
            return
        seller = order[depth]
        chosen.add(depth)
        if chosen_cap + capacity[seller] >= need - EPSILON:
            record(chosen)
        search(depth + 1, chosen, chosen_cap + capacity[seller])
        chosen.discard(depth)
        search(depth + 1, chosen, chosen_cap)

    search(0, set(), 0.0)
    return [_proposal(rows, taken, factor) for _key, taken in best]


def _proposal(rows, taken: list[float], factor: float) -> Proposal:
    parts = []
    for (_cost, _available, c), amount in zip(rows, taken, strict=True):
        if amount <= EPSILON:
            continue
        mass = _mass(c)
        transport = (
            transport_kg(mass * amount, c.distance_km, factor)
            if mass is not None and c.distance_km is not None
            else None
        )
        avoided = None
        if c.co2_avoided_per_unit is not None:
            avoided = c.co2_avoided_per_unit * amount - (transport or 0.0)
        price = None if c.price_eur is None else round(c.price_eur * amount, 2)
        parts.append(Part(c, amount, transport, avoided, price))
    known_avoided = [p.co2_avoided_kg for p in parts if p.co2_avoided_kg is not None]
    prices = [p.price_eur for p in parts]
    return Proposal(
        parts=tuple(parts),
        quantity=sum(p.quantity for p in parts),
        sellers=len({p.seller_id for p in parts}),
        transport_kg=sum(p.transport_kg for p in parts if p.transport_kg is not None),
        co2_avoided_kg=sum(known_avoided) if known_avoided else None,
        price_eur=None if None in prices else round(sum(prices), 2),
        unknown=sum(1 for p in parts if p.transport_kg is None),
    )


# The query: the candidates of a request, and its proposals.


def max_sellers() -> int:
    """The configured limit of sellers in a bundle (BUNDLE_MAX_SELLERS, default 5)."""
    return int(current_app.config.get("BUNDLE_MAX_SELLERS", DEFAULT_MAX_SELLERS))


def unit_mass(listing: Listing) -> float | None:
    """One unit's mass: the listing's unit mass, else its share of the lot's mass, else what
    the unit itself says (t, kg)."""
    if listing.unit_mass_kg:
        return listing.unit_mass_kg
    if listing.mass_kg and listing.quantity:
        return listing.mass_kg / listing.quantity
    return {"t": 1000.0, "kg": 1.0}.get(listing.unit)


def candidate(listing: Listing, latitude: float | None, longitude: float | None) -> Candidate:
    """A listing as a candidate for a bundle delivered to (latitude, longitude)."""
    distance = None
    if latitude is not None and longitude is not None and listing.pickup_latitude is not None:
        distance = haversine_km(
            listing.pickup_latitude, listing.pickup_longitude, latitude, longitude
        )
    price = {"free": 0.0, "fixed": listing.price_eur}.get(listing.price_basis)
    avoided = None
    if listing.co2_avoided_kg is not None and listing.quantity:
        avoided = listing.co2_avoided_kg / listing.quantity
    return Candidate(
        listing_id=listing.id,
        seller_id=listing.organisation_id,
        seller=listing.organisation.name,
        available=listing.quantity_available,
        distance_km=distance,
        unit_mass_kg=unit_mass(listing),
        price_eur=price,
        co2_avoided_per_unit=avoided,
        listing=listing,
    )


def bundle_candidates(
    wanted: WantedRequest, exclude: tuple[int, ...] = (), limit: int = CANDIDATE_LIMIT
) -> list[Candidate]:
    """The listings that meet the request (at most `limit`, nearest first when it has a
    location, else the largest first), as candidates."""
    stmt = (
        select(Listing)
        .options(joinedload(Listing.organisation), joinedload(Listing.building))
        .where(*listing_conditions(wanted))
    )
    if exclude:
        stmt = stmt.where(Listing.id.not_in(exclude))
    if wanted.latitude is not None and wanted.longitude is not None:
        from marketplace.queries.filters import distance_km

        stmt = stmt.order_by(distance_km(wanted.latitude, wanted.longitude).asc(), Listing.id)
    else:
        stmt = stmt.order_by(Listing.quantity_available.desc(), Listing.id)
    listings = db.session.scalars(stmt.limit(limit)).unique().all()
    return [candidate(one, wanted.latitude, wanted.longitude) for one in listings]


def proposals_for(
    wanted: WantedRequest, quantity: float | None = None, exclude: tuple[int, ...] = ()
) -> list[Proposal]:
    """The best bundles for the request (or for `quantity` of it)."""
    return propose_bundles(
        bundle_candidates(wanted, exclude),
        quantity if quantity is not None else wanted.quantity,
        max_sellers=max_sellers(),
        max_price=wanted.max_price_eur,
        whole=wanted.unit == "pcs",
        factor=current_app.config["TRANSPORT_KGCO2E_PER_TKM"],
    )


def single_listing_covers(candidates: list[Candidate], quantity: float) -> bool:
    """Does one listing alone cover the quantity? (Bundles are proposed when none does.)"""
    return any(c.available >= quantity - EPSILON for c in candidates)


# A bundle's parts.

REPLACEABLE = ("rejected", "cancelled")
ACTIVE = ("requested", "accepted", "collected")


def replaceable(part: Reservation) -> bool:
    """A rejected or cancelled part of a bundle that no part replaced yet."""
    if part.bundle_id is None or part.status not in REPLACEABLE:
        return False
    return (
        db.session.scalar(select(Reservation.id).where(Reservation.replaces_id == part.id).limit(1))
        is None
    )


def proposals_view(wanted: WantedRequest) -> dict:
    """The proposals for a request, with what the page and the API say around them."""
    candidates = bundle_candidates(wanted)
    limit = max_sellers()
    return {
        "wanted_request_id": wanted.id,
        "quantity": wanted.quantity,
        "unit": wanted.unit,
        "max_sellers": limit,
        "candidates": len(candidates),
        "single_listing_covers": single_listing_covers(candidates, wanted.quantity),
        "proposals": propose_bundles(
            candidates,
            wanted.quantity,
            max_sellers=limit,
            max_price=wanted.max_price_eur,
            whole=wanted.unit == "pcs",
            factor=current_app.config["TRANSPORT_KGCO2E_PER_TKM"],
        ),
    }
