"""The exchange search itself: one page of listings in the chosen order, with the total and the
facet counts, each listing with its distance, transport carbon and provenance."""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import word
from marketplace import search
from marketplace.models import Listing
from marketplace.models import ListingComponent
from marketplace.queries.filters import FACET_LIMIT
from marketplace.queries.filters import FACETS
from marketplace.queries.filters import distance_km
from marketplace.queries.filters import division_label
from marketplace.queries.filters import facet_columns
from marketplace.queries.filters import search_conditions
from marketplace.queries.listings import provenance
from passports.metrics import haversine_km
from passports.metrics import transport_kg
from passports.models import Component


def _search(groups: dict, query: str, sort: str, point, offset: int, limit: int):
    """The facet groups and the chosen page of a search, from one pass over the matches.

    The rows matching the text and the filters that are no facet's form the base set, read
    once (a CTE used twice, which both databases materialise). It carries each row's four
    facet values, a 0/1 flag per active facet filter and the sort key. Grouped, it gives the
    facet counts and the total (see `_facets`); restricted to the rows where every flag
    holds, ordered and cut, it gives the page's ids. Two parts of one UNION ALL, so the
    matches are read once instead of once per facet, once to count and once for the page.
    """
    active = [name for name in FACETS if groups[name]]
    every = and_(*(c for name in active for c in groups[name])) if active else None
    keys = list(facet_columns().values()) + [
        case((and_(*groups[name]), 1), else_=0) for name in active
    ]
    stmt, rank = search.apply_match(select(Listing.id.label("id")).where(*groups[""]), query)
    sort_key = {
        "relevance": rank,
        "distance": distance_km(*point) if point else None,
        "available_from": Listing.available_from,
        "co2_avoided": Listing.co2_avoided_kg,
        "newest": Listing.published_at,
    }[sort]
    if every is not None and sort in ("relevance", "distance"):
        # Computed only for rows on the page's side: bm25 is costly on SQLite.
        sort_key = case((every, sort_key), else_=None)
    columns = [*(key.label(f"k{i}") for i, key in enumerate(keys)), sort_key.label("s")]
    if sort == "relevance":
        columns.append(Listing.published_at.label("p"))
    base = stmt.add_columns(*columns).cte("base")
    k = [base.c[f"k{i}"] for i in range(len(keys))]

    def order(c) -> list:
        keys = {
            "relevance": lambda: [c.s.desc(), c.p.desc()],
            "distance": lambda: [c.s.asc().nulls_last()],
            "available_from": lambda: [c.s.asc().nulls_first()],
            "co2_avoided": lambda: [c.s.desc().nulls_last()],
            "newest": lambda: [c.s.desc()],
        }[sort]()
        return [*keys, c.id.desc()]

    picked = (
        select(base.c.id, base.c.s, *([base.c.p] if sort == "relevance" else []))
        .where(*(key == 1 for key in k[len(FACETS) :]))
        .order_by(*order(base.c))
        .limit(limit)
        .offset(offset)
        .subquery("picked")
    )
    # Numbered after the cut: a window over every match would sort them all.
    chosen = select(
        picked.c.id, picked.c.s, func.row_number().over(order_by=order(picked.c)).label("pos")
    ).subquery("chosen")
    blank = [null().label(f"k{i}") for i in range(len(keys))]
    stmt = union_all(
        select(
            *k, func.count().label("n"), null().label("id"), null().label("s"), null().label("pos")
        ).group_by(*k),
        select(*blank, null().label("n"), chosen.c.id, chosen.c.s, chosen.c.pos),
    )
    rows = db.session.execute(stmt).all()
    facet_rows = [row for row in rows if row.n is not None]
    page = sorted((row for row in rows if row.n is None), key=lambda row: row.pos)
    return facet_rows, active, [(row.id, row.s) for row in page]


def _facets(rows, active: list[str]) -> tuple[int, dict[str, list[dict]]]:
    """The total and each facet's counts from the grouped base set.

    Summing the groups where every flag holds gives the total; a facet's counts sum the
    groups where the other facets' flags hold, so its own filter never narrows its own
    counts.
    """
    total = 0
    counts: dict[str, dict] = {name: {} for name in FACETS}
    for row in rows:
        holds = dict(zip(active, row[len(FACETS) : len(FACETS) + len(active)], strict=True))
        failed = [name for name in active if not holds[name]]
        if not failed:
            total += row.n
        for i, name in enumerate(FACETS):
            value = row[i]
            if value in (None, "") or any(f != name for f in failed):
                continue
            counts[name][value] = counts[name].get(value, 0) + row.n
    return total, {name: _facet_items(name, counts[name]) for name in FACETS}


def _facet_items(name: str, counts: dict) -> list[dict]:
    if name == "condition":
        # The filter is a minimum grade, so each entry counts that grade or better.
        items, running = [], 0
        for grade in sorted(counts, reverse=True):
            running += counts[grade]
            items.append(
                {"value": grade, "count": running, "label": _("%(grade)s or better", grade=grade)}
            )
        return items
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:FACET_LIMIT]
    # Labels are for people, in the request's language; `value` is the code to filter by.
    label = {"cpv_division": division_label, "material_family": word}.get(name, str)
    return [{"value": value, "count": n, "label": label(value)} for value, n in ordered]


def search_listings(args: dict, page: int = 1, per_page: int = 20) -> dict:
    """Published listings matching the filters, sorted and paginated, with facet counts."""
    groups = search_conditions(args, date.today())
    query = args.get("q") or ""
    point = (args["lat"], args["lon"]) if args.get("lat") is not None else None
    sort = args.get("sort", "relevance")
    if sort == "relevance" and not search.terms(query):
        sort = "newest"
    facet_rows, active, chosen = _search(
        groups, query, sort, point, (page - 1) * per_page, per_page
    )
    total, facets = _facets(facet_rows, active)
    result = {"total": total, "page": page, "per_page": per_page, "items": [], "facets": facets}
    # The page's listings whole, with what provenance shows, in three small queries.
    loaded = (
        {
            listing.id: listing
            for listing in db.session.scalars(
                select(Listing)
                .where(Listing.id.in_([ident for ident, _key in chosen]))
                .options(
                    joinedload(Listing.building),
                    joinedload(Listing.organisation),
                    selectinload(Listing.items)
                    .joinedload(ListingComponent.component)
                    .load_only(Component.id, Component.tag, Component.name),
                )
            )
        }
        if chosen
        else {}
    )
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    for ident, key in chosen:
        listing = loaded[ident]
        dist = None
        if point is not None and listing.pickup_latitude is not None:
            dist = haversine_km(*point, listing.pickup_latitude, listing.pickup_longitude)
        here = listing.co2_avoided_kg
        if here is not None and dist is not None and listing.mass_kg:
            here -= transport_kg(listing.mass_kg, dist, factor)
        listing.distance_km, listing.co2_avoided_here_kg = dist, here
        listing.relevance = float(key) if sort == "relevance" else None
        listing.provenance = provenance(listing)
        result["items"].append(listing)
    return result
