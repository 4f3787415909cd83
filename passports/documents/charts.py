"""Charts drawn on the server as SVG: no script, no CDN, no inline style (the pages run under a
strict Content-Security-Policy; SVG presentation attributes are not styles).

Each function returns markup safe to place in a template; every text in it is escaped, and
written in the page's language (the captions and numbers through the app's words and filters).

Colours meet WCAG 2.1 AA: every bar, segment and marker has a contrast of at least 3:1 with the
white page and with the track it is drawn on (1.4.11), every text at least 4.5:1 (1.4.3);
`contrast_ratio` is the check, and the tests hold the palettes to it.
"""

import unicodedata
from collections.abc import Sequence

from flask_babel import format_percent
from flask_babel import gettext as _
from markupsafe import Markup
from markupsafe import escape

from app.i18n import word
from app.templating import kg
from app.templating import number

# One colour per material family, shared by the HTML charts and the PDF drawings.
FAMILY_COLOURS = {
    "masonry": "#b5523b",
    "concrete": "#6e757b",
    "steel": "#3d5a80",
    "aluminium": "#4d7ea8",
    "copper": "#a9612b",
    "metals_other": "#5c6b73",
    "timber": "#a47148",
    "glass": "#2e7f7f",
    "insulation": "#9a7512",
    "gypsum": "#857c6a",
    "ceramics": "#c24e5a",
    "stone": "#6d6875",
    "plastics": "#9b5de5",
    "bitumen": "#2b2d42",
    "mortar": "#7f796e",
    "other": "#747d86",
}
STATUS_COLOURS = {
    "installed": "#2e7d5b",
    "to_harvest": "#b06a00",
    "harvested": "#94700c",
    "in_storage": "#9c7a3c",
    "listed": "#4f7cc9",
    "reserved": "#1c3f8a",
    "transferred": "#13593a",
    "reinstalled": "#2f8548",
    "disposed": "#6f767c",
}
QUALITY_COLOURS = {"full": "#2e7d5b", "defaults": "#9a6f00", "none": "#c0392b"}
# GRID is the track behind bars and the grid lines: light enough that each colour above keeps
# 3:1 against it as against white.
INK, MUTED, GRID = "#1f2a26", "#5f6b66", "#e9eeeb"
DEFAULT_COLOUR = "#2e7d5b"
# Between the segments of a stacked bar: each segment then meets white, not its neighbour.
SEPARATOR = "#ffffff"


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour "#rrggbb" or "#rgb" (WCAG 2.1, definition of
    relative luminance): L = 0.2126 R + 0.7152 G + 0.0722 B over the linearised channels,
    c / 12.92 when c <= 0.04045, else ((c + 0.055) / 1.055) ** 2.4."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(d * 2 for d in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """Contrast ratio of two colours, from 1 to 21 (WCAG 2.1, definition of contrast ratio):
    (L1 + 0.05) / (L2 + 0.05), L1 the lighter relative luminance. AA asks 4.5 for text, 3 for
    large text and graphical objects."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _text_width(text: str, size: float = 14) -> float:
    """About how wide a text is drawn: wide (CJK) characters take a full em, others about 0.57."""
    return sum(
        size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.57 for ch in text
    )


def _no_data() -> str:
    return f'<text x="0" y="20" fill="{MUTED}">{escape(_("No data yet."))}</text>'


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_num(width)} '
        f'{_num(height)}" width="{_num(width)}" height="{_num(height)}" role="img" '
        f'aria-label="{escape(label)}" font-family="system-ui, sans-serif" font-size="14">'
    )
    return Markup(head + f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def bar_chart(
    rows: Sequence[tuple[str, float, str]],
    *,
    label: str,
    colours: dict[str, str] | None = None,
    keys: Sequence[str] | None = None,
    width: float = 480,
    bar_height: float = 22,
) -> Markup:
    """Horizontal bars: rows of (label, value, value as text), longest bar the largest value.

    `keys` names each row's colour in `colours` (e.g. the material family of each row).
    """
    if not rows:
        return _svg(width, 30, label, [_no_data()])
    # Columns sized to their longest text.
    label_w = min(190.0, 14 + max(_text_width(name) for name, _v, _t in rows))
    value_w = 12 + 1.05 * max(_text_width(text) for _n, _v, text in rows)
    gap = 6.0
    plot_w = width - label_w - value_w
    top = max(max(v for _n, v, _t in rows), 1e-12)
    body = []
    for i, (name, value, text) in enumerate(rows):
        y = i * (bar_height + gap)
        length = max(0.0, value) / top * plot_w
        key = keys[i] if keys else name
        colour = (colours or {}).get(key, DEFAULT_COLOUR)
        mid = y + bar_height / 2 + 4
        body.append(
            f'<text x="{_num(label_w - 8)}" y="{_num(mid)}" text-anchor="end" fill="{INK}">'
            f"{escape(name)}</text>"
            f'<rect x="{_num(label_w)}" y="{_num(y)}" width="{_num(plot_w)}" '
            f'height="{_num(bar_height)}" fill="{GRID}" rx="3"/>'
            f'<rect x="{_num(label_w)}" y="{_num(y)}" width="{_num(length)}" '
            f'height="{_num(bar_height)}" fill="{colour}" rx="3"><title>{escape(name)}: '
            f"{escape(text)}</title></rect>"
            f'<text x="{_num(width - 2)}" y="{_num(mid)}" text-anchor="end" fill="{INK}" '
            f'font-weight="600">{escape(text)}</text>'
        )
    height = len(rows) * (bar_height + gap) - gap
    return _svg(width, height, label, body)


def stacked_bar(
    segments: Sequence[tuple[str, float, str]],
    *,
    label: str,
    width: float = 480,
    height: float = 22,
) -> Markup:
    """One bar split into segments of (label, value, colour), with a legend below it."""
    total = sum(max(0.0, v) for _n, v, _c in segments)
    body = [f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="{GRID}"/>']
    x = 0.0
    for name, value, colour in segments:
        if total <= 0 or value <= 0:
            continue
        w = value / total * width
        share = format_percent(value / total)
        separator = (
            f'<rect x="{_num(x - 1)}" y="0" width="2" height="{_num(height)}" fill="{SEPARATOR}"/>'
            if x > 0
            else ""
        )
        body.append(
            f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="{_num(height)}" '
            f'fill="{colour}"><title>{escape(name)}: {escape(share)}</title></rect>{separator}'
        )
        x += w
    legend_y, lx = height + 20, 0.0
    for name, value, colour in segments:
        text = f"{name} {format_percent(value / total if total > 0 else 0.0)}"
        body.append(
            f'<rect x="{_num(lx)}" y="{_num(legend_y - 10)}" width="11" height="11" '
            f'fill="{colour}" rx="2"/><text x="{_num(lx + 16)}" y="{_num(legend_y)}" '
            f'fill="{INK}">{escape(text)}</text>'
        )
        lx += 28 + _text_width(text)
    return _svg(width, legend_y + 6, label, body)


def column_chart(
    points: Sequence[tuple[str, float]],
    *,
    label: str,
    width: float = 480,
    height: float = 200,
    colour: str = DEFAULT_COLOUR,
) -> Markup:
    """Vertical columns of (label, value), e.g. events per month, with a light grid."""
    if not points:
        return _svg(width, 30, label, [_no_data()])
    left, bottom, top_pad = 36.0, 24.0, 8.0
    plot_w, plot_h = width - left, height - bottom - top_pad
    top = max(max(v for _n, v in points), 1)
    step = _nice_step(top)
    ceiling = step * -(-top // step)
    body = []
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = top_pad + plot_h - tick / ceiling * plot_h
        body.append(
            f'<line x1="{_num(left)}" x2="{_num(width)}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/><text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end" '
            f'fill="{MUTED}" font-size="11">{number(tick, 0)}</text>'
        )
        tick += step
    slot = plot_w / len(points)
    bar_w = max(2.0, slot * 0.7)
    every = max(1, len(points) // 12)
    for i, (name, value) in enumerate(points):
        h = value / ceiling * plot_h
        x = left + i * slot + (slot - bar_w) / 2
        body.append(
            f'<rect x="{_num(x)}" y="{_num(top_pad + plot_h - h)}" width="{_num(bar_w)}" '
            f'height="{_num(h)}" fill="{colour}" rx="2"><title>{escape(name)}: '
            f"{number(value, 0)}</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text x="{_num(x + bar_w / 2)}" y="{_num(height - 6)}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="11">{escape(name)}</text>'
            )
    return _svg(width, height, label, body)


def _nice_step(top: float) -> float:
    """A round grid step giving three to six lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 5:
            return float(step)
    return float(10 ** len(str(int(top))) / 10)


def score_scale(value: float | None, *, label: str, width: float = 280) -> Markup:
    """A 0-1 scale with a marker at `value`, for the MCI and the disassembly score."""
    height = 34.0
    body = [
        f'<rect x="0" y="8" width="{_num(width)}" height="10" rx="5" fill="{GRID}"/>',
        f'<text x="0" y="32" fill="{MUTED}" font-size="11">0</text>',
        f'<text x="{_num(width)}" y="32" text-anchor="end" fill="{MUTED}" font-size="11">1</text>',
    ]
    if value is not None:
        x = max(0.0, min(1.0, value)) * width
        body.append(
            f'<rect x="0" y="8" width="{_num(x)}" height="10" rx="5" fill="{DEFAULT_COLOUR}"/>'
            f'<circle cx="{_num(x)}" cy="13" r="7" fill="#fff" stroke="{INK}" stroke-width="2"/>'
        )
    return _svg(width, height, label, body)


def mass_text(value: float) -> str:
    """A mass as a bar's caption, as the pages write it: kg below a tonne, t above."""
    return kg(value)


def words(key: str) -> str:
    """A vocabulary key as a caption, in the page's language ("in_storage" → "In storage")."""
    return word(key)


def family_chart(rows: list[dict], *, label: str) -> Markup:
    """Mass by material family, from rows of {"family", "mass_kg"}."""
    return bar_chart(
        [(words(r["family"]), r["mass_kg"], mass_text(r["mass_kg"])) for r in rows],
        label=label,
        colours=FAMILY_COLOURS,
        keys=[r["family"] for r in rows],
    )


def completeness_chart(completeness: dict, *, label: str | None = None) -> Markup:
    """The share of the mass with full data, with defaults and with no material."""
    c = completeness
    return stacked_bar(
        [
            (_("Full data"), c["full_kg"], QUALITY_COLOURS["full"]),
            (_("Defaults"), c["defaults_kg"], QUALITY_COLOURS["defaults"]),
            (_("No material"), c["none_kg"], QUALITY_COLOURS["none"]),
        ],
        label=label or _("Share of the mass by data completeness"),
    )
