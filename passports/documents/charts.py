"""Charts drawn on the server as SVG: no script, no CDN, no inline style (the pages run under a
strict Content-Security-Policy; SVG presentation attributes are not styles).

Each function returns markup safe to place in a template; every text in it is escaped.
"""

from collections.abc import Sequence

from markupsafe import Markup
from markupsafe import escape

# One colour per material family, shared by the HTML charts and the PDF drawings.
FAMILY_COLOURS = {
    "masonry": "#b5523b",
    "concrete": "#8a8f94",
    "steel": "#3d5a80",
    "aluminium": "#98c1d9",
    "copper": "#c67c3b",
    "metals_other": "#5c6b73",
    "timber": "#a47148",
    "glass": "#6fb7b7",
    "insulation": "#e9c46a",
    "gypsum": "#d9d4c7",
    "ceramics": "#e07a5f",
    "stone": "#6d6875",
    "plastics": "#9b5de5",
    "bitumen": "#2b2d42",
    "mortar": "#bcb8b1",
    "other": "#adb5bd",
}
STATUS_COLOURS = {
    "installed": "#2e7d5b",
    "to_harvest": "#d99a1e",
    "harvested": "#e0b44c",
    "in_storage": "#9c7a3c",
    "listed": "#4f7cc9",
    "reserved": "#1c3f8a",
    "transferred": "#13593a",
    "reinstalled": "#38a169",
    "disposed": "#9aa0a6",
}
QUALITY_COLOURS = {"full": "#2e7d5b", "defaults": "#e0b44c", "none": "#c0392b"}
INK, MUTED, GRID = "#1f2a26", "#5f6b66", "#dfe5e2"
DEFAULT_COLOUR = "#2e7d5b"


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
        return _svg(width, 30, label, [f'<text x="0" y="20" fill="{MUTED}">No data yet.</text>'])
    # Columns sized to their longest text (about 8 px a character at 14 px).
    label_w = min(190.0, 14 + 8.0 * max(len(name) for name, _, _ in rows))
    value_w = 12 + 8.4 * max(len(text) for _, _, text in rows)
    gap = 6.0
    plot_w = width - label_w - value_w
    top = max(max(v for _, v, _ in rows), 1e-12)
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
    total = sum(max(0.0, v) for _, v, _ in segments)
    body = [f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="{GRID}"/>']
    x = 0.0
    for name, value, colour in segments:
        if total <= 0 or value <= 0:
            continue
        w = value / total * width
        share = value / total * 100
        body.append(
            f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="{_num(height)}" '
            f'fill="{colour}"><title>{escape(name)}: {share:.0f}%</title></rect>'
        )
        x += w
    legend_y, lx = height + 20, 0.0
    for name, value, colour in segments:
        share = value / total * 100 if total > 0 else 0.0
        text = f"{name} {share:.0f}%"
        body.append(
            f'<rect x="{_num(lx)}" y="{_num(legend_y - 10)}" width="11" height="11" '
            f'fill="{colour}" rx="2"/><text x="{_num(lx + 16)}" y="{_num(legend_y)}" '
            f'fill="{INK}">{escape(text)}</text>'
        )
        lx += 28 + 8.2 * len(text)
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
        return _svg(width, 30, label, [f'<text x="0" y="20" fill="{MUTED}">No data yet.</text>'])
    left, bottom, top_pad = 36.0, 24.0, 8.0
    plot_w, plot_h = width - left, height - bottom - top_pad
    top = max(max(v for _, v in points), 1)
    step = _nice_step(top)
    ceiling = step * -(-top // step)
    body = []
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = top_pad + plot_h - tick / ceiling * plot_h
        body.append(
            f'<line x1="{_num(left)}" x2="{_num(width)}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/><text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end" '
            f'fill="{MUTED}" font-size="11">{_num(tick)}</text>'
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
            f"{_num(value)}</title></rect>"
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


def mass_text(kg: float) -> str:
    """A mass as a bar's caption: kg below a tonne, t above."""
    return f"{kg / 1000:,.1f} t" if abs(kg) >= 1000 else f"{kg:,.0f} kg"


def words(key: str) -> str:
    """A vocabulary key as a caption ("in_storage" → "In storage")."""
    return key.replace("_", " ").capitalize()


def family_chart(rows: list[dict], *, label: str) -> Markup:
    """Mass by material family, from rows of {"family", "mass_kg"}."""
    return bar_chart(
        [(words(r["family"]), r["mass_kg"], mass_text(r["mass_kg"])) for r in rows],
        label=label,
        colours=FAMILY_COLOURS,
        keys=[r["family"] for r in rows],
    )


def completeness_chart(completeness: dict) -> Markup:
    """The share of the mass with full data, with defaults and with no material."""
    c = completeness
    return stacked_bar(
        [
            ("Full data", c["full_kg"], QUALITY_COLOURS["full"]),
            ("Defaults", c["defaults_kg"], QUALITY_COLOURS["defaults"]),
            ("No material", c["none_kg"], QUALITY_COLOURS["none"]),
        ],
        label="Share of the mass by data completeness",
    )
