"""Matching material names from files to the library, and remembering the owner's answers.

A name matches a material when, with case, accents, spaces and punctuation folded away, it
equals the material's name in any shipped language, its slug or one of its aliases (which
include the words of every shipped language and the names IFC exporters use): "Ziegel",
"baksteen", "mursten", "レンガ" and "砖" are all the common clay brick. Letters of every script
count (Japanese and Chinese names too); ø, æ, ß and the like are spelled out as the exchange's
search spells them. ArchiCAD appends ids to names ("Stahlbeton 65690"), so a trailing number
is tried without. An organisation's own mapping ("CONCRETE/FAKTOR" is precast concrete) comes
first. Names that match nothing get suggestions, the close matches among names and aliases.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select

from app.extensions import db
from passports.imports.models import MaterialMapping
from passports.models import Material

# Layers of air are part of a wall's volume but not of its material (Japanese and Chinese
# words have no word boundaries, so they are looked for anywhere in the name).
VOID = re.compile(
    r"\b(air|luft|lucht|cavity|spouw|hohlraum|luchtspouw|void|vide|luftlag|hulrum)\b"
    r"|空気層|中空層|空気|空气层|空腔|空气",
    re.I,
)
# Letters that NFKD leaves whole, spelled out as marketplace.search.fold spells them.
_SPELLED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "ħ": "h", "ŧ": "t"}) | {
    ord("æ"): "ae",
    ord("œ"): "oe",
    ord("ß"): "ss",
    ord("þ"): "th",
}
_NOT_A_LETTER = re.compile(r"[\W_]+")


def material_key(name: str) -> str:
    """The folded form names are compared in: 'Masonry - Brick' → 'masonrybrick', 'Blødstrøgen
    mursten' → 'blodstrogenmursten', 'レンガ' → 'レンカ' (voicing marks fold like accents)."""
    text = material_key_words(str(name)).translate(_SPELLED)
    return _NOT_A_LETTER.sub("", text)


def _legacy_key(name: str) -> str:
    # How keys were folded before names in every language matched (ASCII letters and digits
    # only): an organisation's mappings saved then are still found under it.
    text = material_key_words(str(name))
    return re.sub(r"[^0-9a-z]", "", text)


def _loose_keys(name: str) -> list[str]:
    keys = []
    without_id = re.sub(r"[\s_#-]*\d{3,}\s*$", "", str(name))
    if without_id != name:
        keys.append(material_key(without_id))
    return [k for k in keys if k]


def is_void(name: str | None) -> bool:
    """True for an air layer or cavity, which has volume but no material."""
    return name is None or bool(VOID.search(str(name)))


@dataclass
class Unmatched:
    """A source name no material matched, where it was seen, and what it may be."""

    name: str
    count: int = 0
    where: list[str] = field(default_factory=list)
    suggestions: list[Material] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The entry as the report lists it."""
        return {
            "name": self.name,
            "key": material_key(self.name),
            "count": self.count,
            "where": self.where,
            "suggestions": [{"id": m.id, "slug": m.slug, "name": m.name} for m in self.suggestions],
        }


class MaterialMatcher:
    """Resolves names to library materials for one organisation, caching every answer."""

    def __init__(self, materials: list[Material], mappings: dict[str, int]):
        self.materials = {m.id: m for m in materials}
        self.mappings = {k: v for k, v in mappings.items() if v in self.materials}
        self.index: dict[str, Material] = {}
        self._labels: dict[str, Material] = {}
        for material in sorted(materials, key=lambda m: m.id):
            for name in material.terms():
                key = material_key(name)
                if key:
                    self.index.setdefault(key, material)
                    self._labels.setdefault(name.strip().casefold(), material)
        self._cache: dict[str, Material | None] = {}
        self.unmatched: dict[str, Unmatched] = {}

    @classmethod
    def for_organisation(cls, organisation_id: int | None) -> "MaterialMatcher":
        """The library and the organisation's mappings, loaded once for a whole import."""
        materials = list(db.session.scalars(select(Material)))
        mappings = {}
        if organisation_id is not None:
            rows = db.session.execute(
                select(MaterialMapping.source_key, MaterialMapping.material_id).where(
                    MaterialMapping.organisation_id == organisation_id
                )
            )
            mappings = {key: material_id for key, material_id in rows}
        return cls(materials, mappings)

    def resolve(self, name: str) -> Material | None:
        """The material a name stands for, or None."""
        if name in self._cache:
            return self._cache[name]
        key = material_key(name)
        found = None
        legacy = _legacy_key(name)
        if key in self.mappings:
            found = self.materials[self.mappings[key]]
        elif legacy and legacy in self.mappings:
            found = self.materials[self.mappings[legacy]]
        else:
            found = self.index.get(key)
            for loose in _loose_keys(name):
                if found is None and loose in self.mappings:
                    found = self.materials[self.mappings[loose]]
                found = found or self.index.get(loose)
        self._cache[name] = found
        return found

    def note_unmatched(self, name: str, where: str) -> None:
        """Remember a name that matched nothing, with a few places it was seen."""
        key = material_key(name) or name
        entry = self.unmatched.setdefault(key, Unmatched(name=name))
        entry.count += 1
        if len(entry.where) < 5:
            entry.where.append(where)

    def suggest(self, name: str, limit: int = 3) -> list[Material]:
        """Close matches among the library's names and aliases, best first.

        Scored by difflib's ratio, with a bonus when a word of one contains a word of the other
        ("Leichtbeton" and "beton"), so compound and translated names still find a candidate.
        """
        text = re.sub(r"[\s_#-]*\d{3,}\s*$", "", material_key_words(str(name)).strip())
        words = {w for w in _NOT_A_LETTER.split(text) if _long_enough(w)}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(text)
        scores: dict[int, float] = {}
        for label, material in self._labels.items():
            matcher.set_seq1(label)
            score = matcher.ratio()
            label_words = {
                w for w in _NOT_A_LETTER.split(material_key_words(label)) if _long_enough(w)
            }
            if any(a in b or b in a for a in words for b in label_words):
                score += 0.3
            if score > scores.get(material.id, 0.0):
                scores[material.id] = score
        best = sorted(scores.items(), key=lambda item: -item[1])
        return [self.materials[mid] for mid, score in best[:limit] if score >= 0.55]

    def unmatched_report(self) -> list[Unmatched]:
        """The unmatched names, most frequent first, each with suggestions."""
        entries = sorted(self.unmatched.values(), key=lambda u: (-u.count, u.name.casefold()))
        for entry in entries:
            entry.suggestions = self.suggest(entry.name)
        return entries


def _long_enough(word: str) -> bool:
    # Four letters make a word worth comparing; two Chinese or Japanese characters do.
    return len(word) >= (2 if any(ord(ch) > 0x2E80 for ch in word) else 4)


def material_key_words(text: str) -> str:
    """Accent-folded lower-case text, words kept apart (for word-by-word suggestions)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.combining(ch))
