"""Full-text search of listings behind one interface: FTS5 on SQLite, a tsvector column with a
GIN index on PostgreSQL. Both index the title, the materials, the manufacturer and the
description, and match every word of the query as a prefix.

Case and accents never matter, and in the same way on both databases: the text and the query
are folded alike before either database sees them (`fold`): Unicode NFKD, combining marks
removed (é → e, ç → c), the letters that have no decomposition spelled out (ø → o, æ → ae,
ß → ss, ł → l, đ/ð → d, þ → th), lower case. SQLite folds in Python; PostgreSQL folds in SQL
with the built-in `normalize`, `regexp_replace`, `translate` and `replace` (`_pg_fold`), which
mirror the Python function, so no extension such as `unaccent` is needed (it is often missing,
and its rules differ from SQLite's `remove_diacritics`). The PostgreSQL database must be UTF8,
as `normalize` requires.

Relevance weighs a title match above the materials and manufacturer, and those above the
description: tsvector weights A/B/C with `ts_rank` on PostgreSQL, `bm25` column weights on
SQLite. Scores differ between the databases; the order of clear cases does not.

A word of the query that names a material of the library, in any shipped language, also finds
the listings of that material (`material_phrases`): listings carry their materials' English
names, and "baksteen", "mursten", "Ziegel", "レンガ" and "砖" all name the common clay brick.
A word names a material when it is one of the material's names or aliases, begins one of their
words (as every query word matches as a prefix), or, for Japanese and Chinese, which do not
separate words, appears anywhere in one.
"""

import re
import unicodedata

from flask import g
from sqlalchemy import ColumnElement
from sqlalchemy import Float
from sqlalchemy import Select
from sqlalchemy import column
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy import text

from app.extensions import db
from marketplace.models import Listing
from passports.models import Material

MAX_TERMS = 8
_fts = table("listing_search", column("rowid"))
# Combining Diacritical Marks and their supplements and extensions.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_COMBINING_RE = re.compile(f"[{_COMBINING}]")
# Letters NFKD leaves whole; one-to-one first, then those spelled with two letters.
_SINGLE = ("øØłŁđĐðÐıħĦŧŦ", "oOlLdDdDihHtT")
_DOUBLE = (
    ("æ", "ae"),
    ("Æ", "AE"),
    ("œ", "oe"),
    ("Œ", "OE"),
    ("ß", "ss"),
    ("ẞ", "SS"),
    ("þ", "th"),
    ("Þ", "TH"),
)
_TRANSLATE = str.maketrans(_SINGLE[0], _SINGLE[1]) | {ord(a): b for a, b in _DOUBLE}
_WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words (CJK, kana, Hangul, half-width kana).
_UNSPACED = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
# A shorter Latin word names no material by its beginning alone ("be", "st").
MIN_MATERIAL_PREFIX = 3
# SQLite bm25 weights, in the column order of listing_search.
_BM25 = "bm25(listing_search, 10.0, 1.0, 4.0, 4.0)"


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def fold(value: str | None) -> str:
    """Text as both databases index it: no accents, special letters spelled out, lower case."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return _COMBINING_RE.sub("", decomposed).translate(_TRANSLATE).lower()


def terms(query: str) -> list[str]:
    """The folded words of a query, at most MAX_TERMS of them."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def _pg_fold(expression: str) -> str:
    """SQL for PostgreSQL that folds a text expression exactly like `fold`."""
    sql = (
        f"translate(regexp_replace(normalize(coalesce({expression}, ''), NFKD), "
        f"'[{_COMBINING}]', '', 'g'), '{_SINGLE[0]}', '{_SINGLE[1]}')"
    )
    for letter, spelled in _DOUBLE:
        sql = f"replace({sql}, '{letter}', '{spelled}')"
    return f"lower({sql})"


def _pg_vector(prefix: str = "") -> str:
    """SQL for the weighted tsvector of a listings row (columns optionally qualified)."""
    p = prefix
    return (
        f"setweight(to_tsvector('simple', {_pg_fold(p + 'title')}), 'A') || "
        f"setweight(to_tsvector('simple', {_pg_fold(p + 'materials_text')} || ' ' || "
        f"{_pg_fold(p + 'manufacturer')}), 'B') || "
        f"setweight(to_tsvector('simple', {_pg_fold(p + 'description')}), 'C')"
    )


def index_listing(listing: Listing) -> None:
    """Bring the search index up to date with one listing (after it was flushed)."""
    if _dialect() == "postgresql":
        db.session.execute(
            text(f"UPDATE listings SET search_vector = {_pg_vector()} WHERE id = :id"),
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
            "title": fold(listing.title),
            "description": fold(listing.description),
            "materials": fold(listing.materials_text),
            "manufacturer": fold(listing.manufacturer),
        },
    )


def reindex_all() -> int:
    """Rebuild the search index of every listing in bulk (after bulk loads); returns the
    number of listings indexed. One UPDATE on PostgreSQL, one INSERT … SELECT on SQLite."""
    if _dialect() == "postgresql":
        return db.session.execute(
            text(f"UPDATE listings SET search_vector = {_pg_vector()}")
        ).rowcount
    connection = db.session.connection()
    # The fold runs in Python inside SQLite's statement, so the whole load is one statement.
    connection.connection.driver_connection.create_function("mpx_fold", 1, fold, deterministic=True)
    connection.exec_driver_sql("DELETE FROM listing_search")
    return connection.exec_driver_sql(
        "INSERT INTO listing_search (rowid, title, description, materials, manufacturer) "
        "SELECT id, mpx_fold(title), mpx_fold(description), mpx_fold(materials_text), "
        "mpx_fold(manufacturer) FROM listings"
    ).rowcount


def _library() -> list[tuple[str, list[str], list[str]]]:
    """(English name folded as indexed, folded terms, their words) of every library material,
    read once per request (publishing a listing checks every saved search with it)."""
    if "mpx_material_terms" not in g:
        g.mpx_material_terms = _read_library()
    return g.mpx_material_terms


def _read_library() -> list[tuple[str, list[str], list[str]]]:
    entries = []
    for material in db.session.scalars(select(Material).order_by(Material.id)):
        folded = list(dict.fromkeys(fold(term).strip() for term in material.terms()))
        words = [word for term in folded for word in _WORD.findall(term)]
        entries.append((" ".join(_WORD.findall(fold(material.name))), folded, words))
    return entries


def _names(word: str, folded_terms: list[str], term_words: list[str]) -> bool:
    if word in folded_terms:
        return True
    if _UNSPACED.search(word):
        return any(word in term for term in folded_terms)
    return len(word) >= MIN_MATERIAL_PREFIX and any(w.startswith(word) for w in term_words)


def material_phrases(words: list[str]) -> list[list[str]]:
    """For each folded query word, the English names (folded, as listings index them) of the
    library materials the word names in any shipped language: "baksteen" → ["common clay
    brick"]; an empty list for a word that names no material."""
    if not words:
        return []
    library = _library()
    return [
        [name for name, folded, term_words in library if name and _names(w, folded, term_words)]
        for w in words
    ]


def _fts_query(words: list[str], phrases: list[list[str]]) -> str:
    """The FTS5 query: every word as a prefix, or any material it names as a phrase."""
    groups = []
    for word, names in zip(words, phrases, strict=True):
        options = [f'"{word}"*', *(f'"{name}"' for name in names)]
        groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups)


def _pg_tsquery(words: list[str], phrases: list[list[str]]):
    """The PostgreSQL tsquery: every word as a prefix, or any material it names as a phrase."""
    query = None
    for word, names in zip(words, phrases, strict=True):
        option = func.to_tsquery("simple", f"{word}:*")
        for name in names:
            option = option.op("||")(func.phraseto_tsquery("simple", name))
        query = option if query is None else query.op("&&")(option)
    return query


def apply_match(stmt: Select, query: str) -> tuple[Select, ColumnElement[float]]:
    """Restrict a select of listings to those matching the query; also return a relevance
    score (higher is better, 0 without a query)."""
    words = terms(query)
    if not words:
        return stmt, literal(0.0)
    phrases = material_phrases(words)
    if _dialect() == "postgresql":
        tsquery = _pg_tsquery(words, phrases)
        return (
            stmt.where(Listing.search_vector.op("@@")(tsquery)),
            func.ts_rank(Listing.search_vector, tsquery),
        )
    condition = text("listing_search MATCH :fts_query").bindparams(
        fts_query=_fts_query(words, phrases)
    )
    # bm25 is lower for better matches; negated so both databases sort descending.
    hits = (
        select(_fts.c.rowid.label("listing_id"), (-literal_column(_BM25, Float())).label("score"))
        .where(condition)
        .subquery("fts")
    )
    return stmt.join(hits, hits.c.listing_id == Listing.id), hits.c.score
