"""Label geometry: sheets and rolls in millimetres from the top-left corner of the page, the way
label makers publish it, and where each label of a page sits.

Layouts:

- ``l7160``: Avery L7160 (and J8160, and look-alikes sold as "L7160 compatible"), A4, 3 × 7
  labels of 63.5 × 38.1 mm. These are inch-based dies (2.5 × 1.5 in labels on a 2.6 in
  column pitch), hence 66.04 mm rather than 66.0; Avery's template gives a 15.15 mm top and
  7.2 mm side margin (https://www.avery.co.uk/template-l7160). Cross-checked against the
  gLabels template database (templates/avery-iso-templates.xml: dx = 187.2 pt = 66.04 mm,
  dy = 108 pt = 38.1 mm) and by arithmetic: 7.2 + 2 × 66.04 + 63.5 + 7.22 = 210 mm and
  15.15 + 7 × 38.1 + 15.15 = 297 mm.
- ``l7163``: Avery L7163 (J8163), A4, 2 × 7 labels of 99.1 × 38.1 mm, 4.0 in (101.6 mm)
  column pitch, 15.15 mm top and 4.65 mm side margins
  (https://www.avery.co.uk/template-l7163): 4.65 + 101.6 + 99.1 + 4.65 = 210 mm.
- ``roll62``: 62 mm continuous tape (Brother DK-22205 and the like), one label per page of
  62 × 40 mm: a 36 mm QR code with 2 mm margins top and bottom. Brother's QL printers leave
  about 1.5 mm of each edge of 62 mm tape unprinted, inside the 2 mm kept clear here.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MM = 72 / 25.4


@dataclass(frozen=True)
class Layout:
    """A label stock: page size and the grid of labels on it, all in millimetres."""

    key: str
    title: str  # lazy: in the language of the page that lists it
    page_w: float
    page_h: float
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    inset: float  # kept clear of ink inside each label: sheets drift in printers
    tag_pt_max: float
    name_pt: float
    name_lines: int
    small_pt: float

    @property
    def per_page(self) -> int:
        """Labels on one page."""
        return self.columns * self.rows


def _avery_a4(
    key: str,
    title: str,
    across: tuple[int, float, float, float],
    type_pt: tuple[float, float, float],
) -> Layout:
    """An Avery A4 sheet of 7 rows of 38.1 mm labels, 15.15 mm from the top edge (L7160,
    L7163): `across` is its columns, label width, left margin and column pitch, `type_pt` the
    largest tag, the name and the small print in points."""
    columns, label_w, left, pitch_x = across
    tag_pt_max, name_pt, small_pt = type_pt
    return Layout(
        key=key,
        title=title,
        page_w=210.0,
        page_h=297.0,
        columns=columns,
        rows=7,
        label_w=label_w,
        label_h=38.1,
        left=left,
        top=15.15,
        pitch_x=pitch_x,
        pitch_y=38.1,
        inset=1.5,
        tag_pt_max=tag_pt_max,
        name_pt=name_pt,
        name_lines=3,
        small_pt=small_pt,
    )


LAYOUTS = {
    "l7160": _avery_a4(
        "l7160",
        _l("Avery L7160 · A4, 21 labels of 63.5 × 38.1 mm"),
        across=(3, 63.5, 7.2, 66.04),
        type_pt=(9.0, 7.5, 6.5),
    ),
    "l7163": _avery_a4(
        "l7163",
        _l("Avery L7163 · A4, 14 labels of 99.1 × 38.1 mm"),
        across=(2, 99.1, 4.65, 101.6),
        type_pt=(13.0, 10.0, 8.0),
    ),
    "roll62": Layout(
        key="roll62",
        title=_l("62 mm roll (Brother DK-22205) · one 62 × 40 mm label per page"),
        page_w=62.0,
        page_h=40.0,
        columns=1,
        rows=1,
        label_w=62.0,
        label_h=40.0,
        left=0.0,
        top=0.0,
        pitch_x=62.0,
        pitch_y=40.0,
        inset=2.0,
        tag_pt_max=9.0,
        name_pt=7.5,
        name_lines=3,
        small_pt=6.5,
    ),
}


def label_positions(layout: Layout | str) -> list[tuple[float, float, float, float]]:
    """Label rectangles of one page as (x, y, width, height) in mm from the top-left corner."""
    spec = LAYOUTS[layout] if isinstance(layout, str) else layout
    return [
        (
            round(spec.left + col * spec.pitch_x, 4),
            round(spec.top + row * spec.pitch_y, 4),
            spec.label_w,
            spec.label_h,
        )
        for row in range(spec.rows)
        for col in range(spec.columns)
    ]
