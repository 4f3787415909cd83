"""One register row: its values read and checked, and the estimate that follows from them.

The checks (each failure a row-numbered error; any error and nothing is written):

- `register_id`: required, at most 64 characters, once per file;
- `use`: one of the app's building uses (passports USE_TYPES) or a synonym of one (USE_SYNONYMS:
  English words and the Dutch BAG "gebruiksdoel" names); empty means "other" (the estimate then
  takes the non-residential group);
- `structure`: empty (unknown) or one of the intensity table's structures, or a synonym
  (STRUCTURE_SYNONYMS);
- `year_built`: a whole year from 1000 to this year (a building not yet built is not in the
  stock);
- `gross_floor_area_m2` from 0 to MAX_FLOOR_AREA_M2, `footprint_m2` from 0 to MAX_FOOTPRINT_M2,
  `storeys` from 0 to MAX_STOREYS (0 for an area means unknown; the bounds are above the largest
  building on Earth, so only typing errors exceed them);
- `latitude`/`longitude`: both or neither, within −90..90 and −180..180;
- `planned_demolition`: empty or an ISO date (YYYY-MM-DD);
- `country`: empty or two letters (ISO 3166-1 alpha-2).

A building with neither a floor area nor a footprint and storeys is imported: it is in the
city's stock, but has no estimate (its floor area and estimated mass stay empty, and the
report counts it under "without estimate").
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mine.data.build_material_intensity import STRUCTURES
from mine.estimate import family_carbon_factors
from mine.estimate import floor_area
from mine.intensity import intensity_for
from mine.intensity import period_for
from mine.intensity import region_key
from mine.intensity import structure_key
from mine.intensity import use_key
from passports.models.vocab import USE_TYPES

MAX_FLOOR_AREA_M2 = 2_500_000.0
MAX_FOOTPRINT_M2 = 1_000_000.0
MAX_STOREYS = 200.0
MIN_YEAR = 1000
MAX_REGISTER_ID = 64

#: Header aliases of a register file: {alias: column}. Headers are compared lower-cased, with
#: spaces and hyphens read as underscores.
COLUMN_ALIASES = {
    "id": "register_id",
    "building_id": "register_id",
    "bag_id": "register_id",
    "street_address": "address",
    "adres": "address",
    "town": "city",
    "municipality": "city",
    "country_code": "country",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "use_type": "use",
    "function": "use",
    "gebruiksdoel": "use",
    "structure_type": "structure",
    "construction_year": "year_built",
    "year": "year_built",
    "bouwjaar": "year_built",
    "gfa": "gross_floor_area_m2",
    "gross_floor_area": "gross_floor_area_m2",
    "floor_area": "gross_floor_area_m2",
    "floor_area_m2": "gross_floor_area_m2",
    "footprint": "footprint_m2",
    "footprint_area": "footprint_m2",
    "floors": "storeys",
    "stories": "storeys",
    "storey_count": "storeys",
    "levels": "storeys",
    "demolition": "planned_demolition",
    "demolition_date": "planned_demolition",
    "planned_demolition_date": "planned_demolition",
}

#: Words a register may use for a building use, by the app's use (USE_TYPES).
USE_SYNONYMS = {
    "residential": (
        "house housing dwelling dwellings home apartment apartments flat flats living "
        "woonfunctie wonen woning"
    ),
    "office": "offices commercial business kantoor kantoorfunctie",
    "retail": "shop shops store stores shopping winkel winkelfunctie",
    "industrial": "industry factory manufacturing industrie industriefunctie",
    "storage": "warehouse logistics depot opslag",
    "education": "school schools university onderwijs onderwijsfunctie",
    "healthcare": "health hospital clinic care zorg gezondheidszorgfunctie",
    "civic": "public government municipal town_hall bijeenkomstfunctie",
    "sports": "sport sportfunctie",
    "culture": "cultural museum theatre theater library",
    "mixed": "mixed_use",
    "other": "overige_gebruiksfunctie unknown",
}
USE_FOR_WORD = {use: use for use in USE_TYPES} | {
    w: use for use, words_ in USE_SYNONYMS.items() for w in words_.split()
}
STRUCTURE_SYNONYMS = {
    "concrete": "reinforced_concrete rc beton",
    "masonry": "brick stone baksteen metselwerk",
    "timber": "wood wooden hout",
    "steel": "metal staal",
}
STRUCTURE_FOR_WORD = {s: s for s in STRUCTURES} | {
    w: s for s, words_ in STRUCTURE_SYNONYMS.items() for w in words_.split()
}
# Each measure's column, upper bound and messages (not a number, negative, too large).
_MEASURES = (
    (
        "gross_floor_area_m2",
        MAX_FLOOR_AREA_M2,
        _l("The gross floor area is not a number."),
        _l("The gross floor area is negative."),
        _l(
            "The gross floor area of %(value)s m² is beyond the largest building (at most "
            "%(max)s m²)."
        ),
    ),
    (
        "footprint_m2",
        MAX_FOOTPRINT_M2,
        _l("The footprint is not a number."),
        _l("The footprint is negative."),
        _l("The footprint of %(value)s m² is beyond the largest building (at most %(max)s m²)."),
    ),
    (
        "storeys",
        MAX_STOREYS,
        _l("The number of storeys is not a number."),
        _l("The number of storeys is negative."),
        _l("%(value)s storeys is beyond the tallest building (at most %(max)s)."),
    ),
)
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def column_name(header: str) -> str:
    """The register column a file's header means ("Construction year" -> "year_built")."""
    key = re.sub(r"[\s\-]+", "_", (header or "").strip().lower()).lstrip("\ufeff")
    return COLUMN_ALIASES.get(key, key)


def _word(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _number(text) -> float | None:
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float):
        value = float(text)
    else:
        text = str(text).strip()
        if not text:
            return None
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def check_row(raw: dict, seen: set[str] | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values as stored ({column: value}) and its errors [(column, message)].

    `raw` holds the register columns as text (a CSV row) or JSON values (GeoJSON
    properties), plus latitude/longitude/footprint_m2 from a geometry. `seen` collects the
    register ids met so far (a repeated id is an error)."""
    errors: list[tuple[str, str]] = []
    values: dict = {}

    register_id = _text(raw, "register_id")
    if not register_id:
        errors.append(("register_id", _("The register id is missing.")))
    elif len(register_id) > MAX_REGISTER_ID:
        errors.append(
            ("register_id", _("The register id is longer than %(max)d characters.", max=64))
        )
    elif seen is not None:
        if register_id in seen:
            errors.append(
                ("register_id", _("The register id %(id)s appears twice.", id=register_id))
            )
        seen.add(register_id)
    values["register_id"] = register_id
    values["address"] = _text(raw, "address")[:300]
    values["city"] = _text(raw, "city")[:120]
    country = _text(raw, "country")
    if country and not _COUNTRY.match(country):
        errors.append(("country", _("Give the country as two letters (ISO 3166-1), e.g. NL.")))
    values["country"] = country.upper()[:2]

    use = _text(raw, "use")
    use_type = USE_FOR_WORD.get(_word(use)) if use else "other"
    if use_type is None:
        errors.append(
            (
                "use",
                _(
                    "Unknown use %(use)s; known uses: %(known)s.",
                    use=repr(use),
                    known=", ".join(USE_TYPES),
                ),
            )
        )
    values["use_type"] = use_type or "other"

    structure = _text(raw, "structure")
    values["structure"] = ""
    if structure:
        known = STRUCTURE_FOR_WORD.get(_word(structure))
        if known is None:
            errors.append(
                (
                    "structure",
                    _(
                        "Unknown structure %(structure)s; known structures: %(known)s "
                        "(or leave it empty).",
                        structure=repr(structure),
                        known=", ".join(STRUCTURES),
                    ),
                )
            )
        values["structure"] = known or ""

    values["year_built"] = None
    try:
        year = _number(raw.get("year_built"))
    except ValueError:
        errors.append(("year_built", _("The construction year is not a number.")))
        year = None
    if year is not None:
        this_year = date.today().year
        if year != int(year):
            errors.append(("year_built", _("The construction year is not a whole year.")))
        elif year > this_year:
            errors.append(
                ("year_built", _("The construction year %(year)d is in the future.", year=year))
            )
        elif year < MIN_YEAR:
            errors.append(
                (
                    "year_built",
                    _("The construction year %(year)d is before %(min)d.", year=year, min=1000),
                )
            )
        else:
            values["year_built"] = int(year)

    for name, upper, not_number, negative, too_large in _MEASURES:
        values[name] = None
        try:
            number = _number(raw.get(name))
        except ValueError:
            errors.append((name, str(not_number)))
            continue
        if number is None:
            continue
        if number < 0:
            errors.append((name, str(negative)))
        elif number > upper:
            errors.append(
                (
                    name,
                    str(too_large)
                    % {"value": format_decimal(number), "max": format_decimal(upper)},
                )
            )
        else:
            values[name] = number

    values["latitude"] = values["longitude"] = None
    try:
        lat, lon = _number(raw.get("latitude")), _number(raw.get("longitude"))
    except ValueError:
        errors.append(("latitude", _("The coordinates are not numbers.")))
        lat = lon = None
    if (lat is None) != (lon is None):
        errors.append(("latitude", _("Give latitude and longitude together.")))
    elif lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append(
                (
                    "latitude",
                    _(
                        "The coordinates %(lat)s, %(lon)s are outside the world (latitude "
                        "−90 to 90, longitude −180 to 180).",
                        lat=format_decimal(lat),
                        lon=format_decimal(lon),
                    ),
                )
            )
        else:
            values["latitude"], values["longitude"] = lat, lon

    values["planned_demolition"] = None
    demolition = _text(raw, "planned_demolition")
    if demolition:
        try:
            values["planned_demolition"] = date.fromisoformat(demolition[:10])
            if len(demolition) > 10 and demolition[10] not in "T ":
                raise ValueError(demolition)
        except ValueError:
            errors.append(
                (
                    "planned_demolition",
                    _(
                        "The planned demolition %(value)s is not a date (YYYY-MM-DD).",
                        value=repr(demolition),
                    ),
                )
            )
            values["planned_demolition"] = None
    if not errors:
        values.update(estimate_fields(values))
    return values, errors


@lru_cache(maxsize=4096)
def _per_m2(use: str, structure: str, period: str, region: str) -> tuple[float, float]:
    """(kg, kgCO2e) per m² of gross floor area in one intensity cell: Σ medians, Σ median × c."""
    factors = family_carbon_factors()
    mass = carbon = 0.0
    year = None
    # intensity_for takes a year; the period's key is passed through period_for, so give the
    # key a year that falls in it (or None for any).
    if period != "any":
        year = _PERIOD_YEAR[period]
    for family, i in intensity_for(use, structure, year, region).items():
        mass += i.median
        carbon += i.median * factors[family][0]
    return mass, carbon


def _period_years() -> dict[str, int]:
    from mine.data.build_material_intensity import PERIODS

    return {key: first if first is not None else last for key, first, last in PERIODS}


_PERIOD_YEAR = _period_years()


def estimate_fields(values: dict) -> dict:
    """What the register stores from a building's figures: floor_area_m2, intensity_key,
    estimated_mass_kg and estimated_carbon_kg (median totals over all families:
    mine.estimate.estimate_building and embodied_carbon, summed). No floor area: no estimate.

    The one place the register computes its estimate: the import and `flask mine reestimate`
    both call it."""
    area = floor_area(
        values.get("gross_floor_area_m2"), values.get("footprint_m2"), values.get("storeys")
    )
    key = (
        use_key(values.get("use_type")),
        structure_key(values.get("structure")),
        period_for(values.get("year_built")),
        region_key(values.get("country")),
    )
    fields = {"floor_area_m2": area, "intensity_key": "|".join(key)}
    if area is None:
        fields.update(estimated_mass_kg=None, estimated_carbon_kg=None)
    else:
        mass, carbon = _per_m2(*key)
        fields.update(estimated_mass_kg=mass * area, estimated_carbon_kg=carbon * area)
    return fields
