"""The document's fixed parts and formats: its schema version, generator and methods, the event
columns it carries, times as ISO 8601, download names, and the collector paused while building."""

import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime

from passports.models import EVENT_FIELDS
from passports.models import Building

SCHEMA_VERSION = "1.0"
GENERATOR = "Material Passport Exchange"


def N_(text: str) -> str:
    """Mark a text for translation and keep it as it is: the document is in English, the
    printed passport translates it (gettext of the same text)."""
    return text


METHODS = {
    "mci": N_(
        "Material Circularity Indicator, Ellen MacArthur Foundation (2015, rev. 2019); "
        "E_F = E_C = 0.75; X = L/L_av against the main material's reference service life; "
        "end-of-life fractions recorded or defaulted (passports/metrics/circularity.py); "
        "building figure weighted by mass."
    ),
    "disassembly": N_(
        "Disassembly score after the DGBC detachability index (Meetmethodiek "
        "Losmaakbaarheid 2021): harmonic mean of connection type, accessibility, intersections "
        "and edge enclosure, each 0.1-1.0; building figure weighted by mass."
    ),
    "carbon": N_(
        "Embodied carbon A1-A3 (EN 15978), Σ mass × factor of each material from the "
        "material library (ICE v2 unless cited otherwise), in kgCO2e."
    ),
}
# A passport document's events: what happened, without the ids that only mean something here.
EVENT_COLUMNS = (
    "kind",
    "status_before",
    "status_after",
    *(name for name in EVENT_FIELDS if name != "building_id"),
)


def iso_datetime(value: datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with its offset."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).isoformat()


def parse_datetime(text: str) -> datetime:
    """ISO 8601 (with Z or an offset) back to the naive UTC the database stores."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic structure.

    A document of 10,000 components is about 300,000 new dicts, lists and strings; each
    allocation burst would otherwise trigger generation scans that cost as much as the work.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def passport_filename(building: Building, suffix: str, day: date | None = None) -> str:
    """A download name like `passport-12-brummen-town-hall-2026-11-27.pdf`."""
    ascii_name = unicodedata.normalize("NFKD", building.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "building"
    return f"passport-{building.id}-{slug}-{(day or date.today()).isoformat()}.{suffix}"
