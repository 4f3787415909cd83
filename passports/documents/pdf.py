"""The printable passport as a PDF (reportlab platypus), drawn from the passport document.

Page one holds the summary (identity, owner, dates, total mass, MCI, disassembly score,
embodied carbon, data completeness), the materials by mass as a vector bar chart, the mass by
lifecycle status and the hazards; the component table follows as a LongTable whose header row
repeats on every page, so a building of thousands of components prints as a clean run of pages.
Every page carries the building, the generation time and "page n of m". The document is in the
reader's language (headings, table headers, labels and number formats; the data is printed as
recorded), and set in the CJK font when it is in Japanese or Chinese or any of its data needs it.
"""

from datetime import date

from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from passports.documents.export import METHODS
from passports.documents.export import parse_datetime
from passports.documents.pdfkit import CONTENT_WIDTH
from passports.documents.pdfkit import LINE
from passports.documents.pdfkit import carbon_text
from passports.documents.pdfkit import completeness_drawing
from passports.documents.pdfkit import count_text
from passports.documents.pdfkit import data_table
from passports.documents.pdfkit import document_fonts
from passports.documents.pdfkit import families_drawing
from passports.documents.pdfkit import fit
from passports.documents.pdfkit import fonts
from passports.documents.pdfkit import kpi_table
from passports.documents.pdfkit import mass_text
from passports.documents.pdfkit import number_text
from passports.documents.pdfkit import paragraph
from passports.documents.pdfkit import percent_text
from passports.documents.pdfkit import render_pdf
from passports.documents.pdfkit import score_text
from passports.documents.pdfkit import unit_text
from passports.documents.pdfkit import words
from passports.measures import measures
from passports.tags import format_tag

TABLE_FONT_SIZE = 7
# The methods the document cites, by their key in it.
METHOD_NAMES = {
    "mci": "MCI",
    "disassembly": _l("Disassembly"),
    "carbon": _l("Carbon"),
}
# Component table: (heading, width in points or None for the rest, right-aligned).
COLUMNS = (
    (_l("Tag"), 64, False),
    (_l("Component"), None, False),
    (_l("Storey"), 56, False),
    (_l("Quantity"), 44, True),
    (_l("Mass"), 42, True),
    (_l("Main material"), 66, False),
    # TRANSLATORS: short column heading of the component's condition grade (1-5).
    (_l("Cond."), 24, True),
    ("MCI", 24, True),
    # TRANSLATORS: short column heading of the disassembly score.
    (_l("DS"), 22, True),
    ("A1-A3", 40, True),
    (_l("Status"), 46, False),
)


def _day(text: str | None) -> str:
    """An ISO date or time of the document as the reader's language writes the day."""
    if not text:
        return "–"
    return format_date(parse_datetime(text) if "T" in text else date.fromisoformat(text))


def _moment(text: str) -> str:
    """An ISO time of the document in the reader's time zone and language."""
    return format_datetime(parse_datetime(text), "medium")


def _identity(doc: dict) -> Table:
    b, owner, s = doc["building"], doc["owner"], doc["summary"]
    place = ", ".join(x for x in (b["address"], b["city"], b["country"]) if x)
    rows = [
        (_("Address"), place or "–", _("Owner"), owner["name"]),
        (_("Use"), words(b["use_type"]), _("Status"), words(b["status"])),
        (
            _("Year built"),
            str(b["year_built"] or "–"),
            _("Planned date"),
            _day(b["planned_date"]),
        ),
        (
            _("Floor area"),
            f"{count_text(b['gross_floor_area_m2'])} m²" if b["gross_floor_area_m2"] else "–",
            _("Components"),
            count_text(s["component_count"]),
        ),
        (
            _("Passport generated"),
            _moment(doc["generated_at"]),
            _("Schema"),
            _("version %(version)s", version=doc["schema_version"]),
        ),
    ]
    data = [
        [paragraph(a, "small"), paragraph(b_), paragraph(c, "small"), paragraph(d)]
        for a, b_, c, d in rows
    ]
    table = Table(data, colWidths=[30 * mm, 59 * mm, 28 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _kpis(doc: dict) -> Table:
    s = doc["summary"]
    cells = [
        (mass_text(s["total_mass_kg"]), _("total mass")),
        (score_text(s["mci"]), _("Material Circularity Indicator (0-1)")),
        (score_text(s["disassembly_score"]), _("disassembly score (0.1-1)")),
        (carbon_text(s["carbon_a1a3_kg"]), _("embodied carbon A1-A3")),
    ]
    return kpi_table(cells, per_row=4)


def _completeness(doc: dict) -> list:
    c = doc["summary"]["completeness"]
    note = " ".join(
        (
            _(
                "Share of the mass whose figures rest on recorded data, on documented defaults, "
                "or lack a material."
            ),
            ngettext(
                "%(count)s component has no mass and is not weighted.",
                "%(count)s components have no mass and are not weighted.",
                c["components_without_mass"],
                count=count_text(c["components_without_mass"]),
            ),
        )
    )
    return [
        paragraph(_("Data completeness"), "h2"),
        completeness_drawing(c),
        Spacer(1, 2),
        paragraph(note, "small"),
    ]


def _families(doc: dict) -> list:
    total = doc["summary"]["carbon_a1a3_kg"] or 0.0
    carbon = [
        [
            words(r["family"]),
            mass_text(r["mass_kg"]),
            carbon_text(r["carbon_a1a3_kg"]),
            percent_text(r["carbon_a1a3_kg"] / total) if total else "–",
        ]
        for r in sorted(doc["summary"]["mass_by_family"], key=lambda r: -r["carbon_a1a3_kg"])
    ]
    out = [
        paragraph(_("Materials by mass"), "h2"),
        families_drawing(doc["summary"]["mass_by_family"]),
    ]
    if carbon:
        out += [
            paragraph(_("Embodied carbon A1-A3 by material family"), "h2"),
            _small_table(
                [_("Family"), _("Mass"), "A1-A3", _("Share")],
                carbon,
                [45 * mm, 30 * mm, 30 * mm, 20 * mm],
                (1, 2, 3),
            ),
        ]
    return out


def _small_table(header: list[str], rows: list[list[str]], widths, right: tuple[int, ...] = ()):
    return data_table(header, rows, widths, right, font_size=7.5, padding=2)


def _statuses(doc: dict) -> list:
    rows = [
        [words(r["status"]), count_text(r["count"]), mass_text(r["mass_kg"])]
        for r in doc["summary"]["by_status"]
    ]
    if not rows:
        return []
    return [
        paragraph(_("Lifecycle status"), "h2"),
        _small_table(
            [_("Status"), _("Components"), _("Mass")], rows, [60 * mm, 30 * mm, 30 * mm], (1, 2)
        ),
    ]


def _hazards(doc: dict) -> list:
    f = fonts()
    rows = []
    for c in doc["components"]:
        for h in c["hazards"]:
            rows.append(
                [
                    fit(c["name"], f.regular, 7.5, 66 * mm),
                    format_tag(c["tag"]),
                    fit(c["storey"], f.regular, 7.5, 30 * mm),
                    "PCB" if h["kind"] == "pcb" else words(h["kind"]),
                    _("cleared %(date)s", date=_day(h["cleared_at"]))
                    if h["cleared_at"]
                    else _("not cleared"),
                ]
            )
    out = [paragraph(_("Hazardous substances"), "h2")]
    if not rows:
        return [*out, paragraph(_("No hazardous substances recorded."))]
    out.append(
        _small_table(
            [_("Component"), _("Tag"), _("Storey"), _("Substance"), _("Clearance")],
            rows,
            [68 * mm, 30 * mm, 32 * mm, 20 * mm, None],
        )
    )
    return out


def _name_with_measures(component: dict, font, width: float) -> str:
    """The component's name and, on a line of its own where recorded, its measures."""
    name = fit(component["name"], font, TABLE_FONT_SIZE, width)
    size = measures(component)
    return f"{name}\n{fit(size, font, TABLE_FONT_SIZE, width)}" if size else name


def _component_table(doc: dict):
    f = fonts()
    fixed = sum(w for _h, w, _r in COLUMNS if w)
    widths = [w if w else CONTENT_WIDTH - fixed for _h, w, _r in COLUMNS]
    pad = 5
    name_w, storey_w, material_w = widths[1] - pad, widths[2] - pad, widths[5] - pad
    status_w = widths[10] - pad
    data = []
    for c in doc["components"]:
        main = max(c["materials"], key=lambda m: m["mass_kg"] or m["fraction"], default=None)
        m = c["metrics"]
        quantity = number_text(c["quantity"])
        data.append(
            [
                format_tag(c["tag"]),
                _name_with_measures(c, f.regular, name_w),
                fit(c["storey"], f.regular, TABLE_FONT_SIZE, storey_w),
                f"{quantity} {unit_text(c['unit'])}",
                mass_text(c["mass_kg"]),
                fit(main["name"] if main else "–", f.regular, TABLE_FONT_SIZE, material_w),
                str(c["condition"] or "–"),
                score_text(m["mci"]),
                score_text(m["disassembly_score"]),
                mass_text(m["carbon_a1a3_kg"]),
                fit(words(c["status"]), f.regular, TABLE_FONT_SIZE, status_w),
            ]
        )
    return data_table(
        [str(heading) for heading, _w, _r in COLUMNS],
        data,
        widths,
        [col for col, (_h, _w, right) in enumerate(COLUMNS) if right],
        font_size=TABLE_FONT_SIZE,
        padding=1.6,
        extra_style=[
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ],
    )


def _method(name: str, text: str) -> str:
    """A method as the document cites it, in the reader's language when it is the one this
    version of the app writes (an older frozen version keeps its own words)."""
    heading = str(METHOD_NAMES.get(name, name.upper()))
    return f"{heading}: {_(text) if METHODS.get(name) == text else text}"


def _drawn_texts(doc: dict, version_note: str | None) -> list[str]:
    """The data the document prints, which decides whether it needs the CJK font."""
    b = doc["building"]
    texts = [b["name"], b["address"], b["city"], b["country"], doc["owner"]["name"], version_note]
    for c in doc["components"]:
        texts += (c["name"], c["storey"], *(m["name"] for m in c["materials"]))
    return [t for t in texts if t]


def render_passport_pdf(doc: dict, *, version_note: str | None = None) -> bytes:
    """The passport document as PDF bytes (A4 portrait), in the reader's language."""
    with document_fonts(_drawn_texts(doc, version_note)):
        return _render(doc, version_note)


def _render(doc: dict, version_note: str | None) -> bytes:
    b = doc["building"]
    place = ", ".join(x for x in (b["address"], b["city"], b["country"]) if x)
    story: list = [
        paragraph(_("Building materials passport"), "kicker"),
        paragraph(b["name"], "title"),
        paragraph(place or " ", "small"),
    ]
    if version_note:
        story.append(paragraph(version_note, "small"))
    story += [Spacer(1, 8), _kpis(doc), Spacer(1, 8), _identity(doc)]
    story += _completeness(doc)
    story += _families(doc)
    story += _statuses(doc)
    story += _hazards(doc)
    count = len(doc["components"])
    story.append(paragraph(_("Components (%(count)s)", count=count_text(count)), "h2"))
    legend = _(
        "Mass as recorded or derived; MCI: Material Circularity Indicator; DS: disassembly "
        "score; A1-A3: embodied carbon in kgCO2e (t = tonnes CO2e). Condition 5 as new … 1 "
        "unusable for reuse."
    )
    story += [paragraph(legend, "small"), Spacer(1, 3), _component_table(doc)]
    story.append(paragraph(_("Methods"), "h2"))
    for name, text in doc["methods"].items():
        story.append(KeepTogether([paragraph(_method(name, text), "small"), Spacer(1, 2)]))
    footer = _(
        "%(generator)s · %(url)s · generated %(date)s",
        generator=doc["generator"],
        url=doc["source"]["building_url"],
        date=_day(doc["generated_at"]),
    )
    return render_pdf(
        story,
        heading=_("MATERIALS PASSPORT"),
        running_title=b["name"],
        footer=footer,
        title=_("Materials passport: %(building)s", building=b["name"]),
        author=doc["owner"]["name"],
        subject=_("Building materials passport"),
        creator=doc["generator"],
    )
