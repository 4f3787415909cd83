"""Measures of one element as people read them: "830 × 2,110 × 40 mm" in the page's language.

The numbers go through the app's `number` filter and the unit through CLDR (app.templating),
so a Dutch page reads "830 × 2.110 × 40 mm"."""

from babel.units import format_unit

from app.templating import format_locale
from app.templating import number


def millimetres(value: float | None) -> str:
    """One measure in millimetres: 6000 → "6,000 mm"; unknown when None."""
    if value is None:
        return number(None)
    return format_unit(
        value, "length-millimeter", length="short", format="#,##0.#", locale=format_locale()
    )


def _value(item, name: str) -> float | None:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def measures(item) -> str:
    """Width × height × depth of one element (of a component, a listing or a passport
    document's entry) in mm, then its length for a linear element; trailing unknowns left
    out, an unknown between two known ones shown as "?"; "" when none is recorded."""
    sizes = [_value(item, name) for name in ("width_mm", "height_mm", "depth_mm")]
    length = _value(item, "length_mm")
    while sizes and sizes[-1] is None:
        sizes.pop()
    if not sizes:
        return millimetres(length) if length is not None else ""
    *first, last = sizes
    text = " × ".join([*("?" if v is None else number(v, 1) for v in first), millimetres(last)])
    if length is not None:
        text += " · " + millimetres(length)
    return text
