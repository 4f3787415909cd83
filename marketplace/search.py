"""Full-text search of listings behind one interface: FTS5 on SQLite, a tsvector column with a
GIN index on PostgreSQL. Both index the title, the materials, the manufacturer and the
description, and match every word of the query as a prefix."""

import re

from sqlalchemy import ColumnElement, Select, column, func, literal, select, table, text

from app.extensions import db
from marketplace.models import Listing

MAX_TERMS = 8
_fts = table("listing_search", column("rowid"), column("rank"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased, at most MAX_TERMS of them."""
    return re.findall(r"\w+", (query or "").lower())[:MAX_TERMS]


def index_listing(listing: Listing) -> None:
    """Bring the search index up to date with one listing (after it was flushed)."""
    if _dialect() == "postgresql":
        db.session.execute(
            text(
                "UPDATE listings SET search_vector = "
                "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
                "setweight(to_tsvector('simple', coalesce(materials_text, '') || ' ' || "
                "coalesce(manufacturer, '')), 'B') || "
                "setweight(to_tsvector('simple', coalesce(description, '')), 'C') "
                "WHERE id = :id"
            ),
            {"id": listing.id},
        )
        return
    db.session.execute(text("DELETE FROM listing_search WHERE rowid = :id"), {"id": listing.id})
    db.session.execute(
        text(
            "INSERT INTO listing_search (rowid, title, description, materials, manufacturer) "
            "VALUES (:id, :title, :description, :materials, :manufacturer)"
        ),
        {
            "id": listing.id,
            "title": listing.title,
            "description": listing.description,
            "materials": listing.materials_text,
            "manufacturer": listing.manufacturer,
        },
    )


def apply_match(stmt: Select, query: str) -> tuple[Select, ColumnElement[float]]:
    """Restrict a select of listings to those matching the query; also return a relevance
    score (higher is better, 0 without a query)."""
    words = terms(query)
    if not words:
        return stmt, literal(0.0)
    if _dialect() == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
        return (
            stmt.where(Listing.search_vector.op("@@")(tsquery)),
            func.ts_rank(Listing.search_vector, tsquery),
        )
    condition = text("listing_search MATCH :fts_query").bindparams(
        fts_query=" ".join(f'"{w}"*' for w in words)
    )
    # bm25 (FTS5's rank) is lower for better matches; negated so both databases sort descending.
    hits = (
        select(_fts.c.rowid.label("listing_id"), (-_fts.c.rank).label("score"))
        .where(condition)
        .subquery("fts")
    )
    return stmt.join(hits, hits.c.listing_id == Listing.id), hits.c.score
