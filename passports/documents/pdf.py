"""The printable passport as a PDF (reportlab platypus), drawn from the passport document.

Page one holds the summary (identity, owner, dates, total mass, MCI, disassembly score,
embodied carbon, data completeness), the materials by mass as a vector bar chart, the mass by
lifecycle status and the hazards; the component table follows as a LongTable whose header row
repeats on every page, so a building of thousands of components prints as a clean run of pages.
Every page carries the building, the generation time and "page n of m".
"""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from passports.documents.charts import FAMILY_COLOURS, QUALITY_COLOURS
from passports.documents.pdfkit import (
    GREEN,
    LIGHT,
    LINE,
    bar_drawing,
    carbon_text,
    fit,
    fonts,
    mass_text,
    numbered_canvas,
    score_text,
    stacked_drawing,
    styles,
)

MARGIN = 16 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
TABLE_FONT_SIZE = 7
# Component table: (heading, width in points or None for the rest, right-aligned).
COLUMNS = (
    ("Tag", 64, False),
    ("Component", None, False),
    ("Storey", 56, False),
    ("Quantity", 44, True),
    ("Mass", 42, True),
    ("Main material", 66, False),
    ("Cond.", 24, True),
    ("MCI", 24, True),
    ("DS", 22, True),
    ("A1-A3", 40, True),
    ("Status", 46, False),
)


def words(value: str | None) -> str:
    """snake_case to words: to_harvest → To harvest."""
    return (value or "").replace("_", " ").capitalize()


def unit_text(unit: str) -> str:
    """m2 → m², m3 → m³."""
    return unit.replace("m2", "m²").replace("m3", "m³")


def format_tag(tag: str) -> str:
    """7QKDM2XA9HCT → 7QKD-M2XA-9HCT, as printed on labels."""
    return "-".join(tag[i : i + 4] for i in range(0, len(tag), 4))


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _identity(doc: dict) -> Table:
    b, owner, s = doc["building"], doc["owner"], doc["summary"]
    place = ", ".join(x for x in (b["address"], b["city"], b["country"]) if x)
    rows = [
        ("Address", place or "–", "Owner", owner["name"]),
        ("Use", words(b["use_type"]), "Status", words(b["status"])),
        (
            "Year built",
            str(b["year_built"] or "–"),
            "Planned date",
            b["planned_date"] or "–",
        ),
        (
            "Floor area",
            f"{b['gross_floor_area_m2']:,.0f} m²" if b["gross_floor_area_m2"] else "–",
            "Components",
            f"{s['component_count']:,}",
        ),
        (
            "Passport generated",
            doc["generated_at"][:16].replace("T", " ") + " UTC",
            "Schema",
            f"version {doc['schema_version']}",
        ),
    ]
    st = styles()
    data = [
        [Paragraph(escape(a), st["small"]), _p(b_), Paragraph(escape(c), st["small"]), _p(d)]
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
    st = styles()
    cells = [
        (mass_text(s["total_mass_kg"]), "total mass"),
        (score_text(s["mci"]), "Material Circularity Indicator (0-1)"),
        (score_text(s["disassembly_score"]), "disassembly score (0.1-1)"),
        (carbon_text(s["carbon_a1a3_kg"]), "embodied carbon A1-A3"),
    ]
    row = [
        [Paragraph(escape(value), st["kpi_value"]), Paragraph(escape(label), st["kpi_label"])]
        for value, label in cells
    ]
    table = Table([row], colWidths=[CONTENT_WIDTH / 4] * 4, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.5, LINE),
                ("INNERGRID", (0, 0), (-1, -1), 2, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _completeness(doc: dict) -> list:
    c = doc["summary"]["completeness"]
    segments = [
        ("Full data", c["full_kg"], QUALITY_COLOURS["full"]),
        ("Defaults", c["defaults_kg"], QUALITY_COLOURS["defaults"]),
        ("No material", c["none_kg"], QUALITY_COLOURS["none"]),
    ]
    note = (
        f"Share of the mass whose figures rest on recorded data, on documented defaults, or lack "
        f"a material. {c['components_without_mass']:,} component(s) have no mass and are not "
        "weighted."
    )
    return [
        _p("Data completeness", "h2"),
        stacked_drawing(segments, CONTENT_WIDTH),
        Spacer(1, 2),
        _p(note, "small"),
    ]


def _families(doc: dict) -> list:
    rows = [
        (
            words(r["family"]),
            r["mass_kg"],
            f"{mass_text(r['mass_kg'])}",
            FAMILY_COLOURS.get(r["family"], "#2e7d5b"),
        )
        for r in doc["summary"]["mass_by_family"]
    ]
    total = doc["summary"]["carbon_a1a3_kg"] or 0.0
    carbon = [
        [
            words(r["family"]),
            mass_text(r["mass_kg"]),
            carbon_text(r["carbon_a1a3_kg"]),
            f"{100 * r['carbon_a1a3_kg'] / total:.0f}%" if total else "–",
        ]
        for r in sorted(doc["summary"]["mass_by_family"], key=lambda r: -r["carbon_a1a3_kg"])
    ]
    out = [_p("Materials by mass", "h2"), bar_drawing(rows, CONTENT_WIDTH)]
    if carbon:
        out += [
            _p("Embodied carbon A1-A3 by material family", "h2"),
            _small_table(
                ["Family", "Mass", "A1-A3", "Share"],
                carbon,
                [45 * mm, 30 * mm, 30 * mm, 20 * mm],
                (1, 2, 3),
            ),
        ]
    return out


def _small_table(header: list[str], rows: list[list[str]], widths, right: tuple[int, ...] = ()):
    f = fonts()
    table = LongTable([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), f.bold, 7.5),
        ("FONT", (0, 1), (-1, -1), f.regular, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for col in right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _statuses(doc: dict) -> list:
    rows = [
        [words(r["status"]), f"{r['count']:,}", mass_text(r["mass_kg"])]
        for r in doc["summary"]["by_status"]
    ]
    if not rows:
        return []
    return [
        _p("Lifecycle status", "h2"),
        _small_table(["Status", "Components", "Mass"], rows, [60 * mm, 30 * mm, 30 * mm], (1, 2)),
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
                    ("cleared " + h["cleared_at"][:10]) if h["cleared_at"] else "not cleared",
                ]
            )
    out = [_p("Hazardous substances", "h2")]
    if not rows:
        return [*out, _p("No hazardous substances recorded.")]
    out.append(
        _small_table(
            ["Component", "Tag", "Storey", "Substance", "Clearance"],
            rows,
            [68 * mm, 30 * mm, 32 * mm, 20 * mm, None],
        )
    )
    return out


def _component_table(doc: dict) -> LongTable:
    f = fonts()
    fixed = sum(w for _, w, _ in COLUMNS if w)
    widths = [w if w else CONTENT_WIDTH - fixed for _, w, _ in COLUMNS]
    pad = 5
    name_w, storey_w, material_w = widths[1] - pad, widths[2] - pad, widths[5] - pad
    status_w = widths[10] - pad
    data = [[heading for heading, _, _ in COLUMNS]]
    for c in doc["components"]:
        main = max(c["materials"], key=lambda m: m["mass_kg"] or m["fraction"], default=None)
        m = c["metrics"]
        quantity = f"{c['quantity']:,.2f}".rstrip("0").rstrip(".")
        data.append(
            [
                format_tag(c["tag"]),
                fit(c["name"], f.regular, TABLE_FONT_SIZE, name_w),
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
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), f.bold, TABLE_FONT_SIZE),
        ("FONT", (0, 1), (-1, -1), f.regular, TABLE_FONT_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for col, (_, _, right) in enumerate(COLUMNS):
        if right:
            style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def render_passport_pdf(doc: dict, *, version_note: str | None = None) -> bytes:
    """The passport document as PDF bytes (A4 portrait)."""
    buffer = BytesIO()
    b = doc["building"]
    f = fonts()

    def header(canvas, _doc):
        canvas.saveState()
        canvas.setFont(f.bold, 7.5)
        canvas.setFillColor(GREEN)
        canvas.drawString(MARGIN, A4[1] - 10 * mm, "MATERIALS PASSPORT")
        canvas.setFont(f.regular, 7.5)
        canvas.setFillColor(colors.HexColor("#5f6b66"))
        canvas.drawRightString(
            A4[0] - MARGIN, A4[1] - 10 * mm, fit(b["name"], f.regular, 7.5, 120 * mm)
        )
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, A4[1] - 11.5 * mm, A4[0] - MARGIN, A4[1] - 11.5 * mm)
        canvas.restoreState()

    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Materials passport: {b['name']}",
        author=doc["owner"]["name"],
        subject="Building materials passport",
        creator=doc["generator"],
    )
    frame = Frame(
        MARGIN,
        16 * mm,
        CONTENT_WIDTH,
        A4[1] - 32 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])

    place = ", ".join(x for x in (b["address"], b["city"], b["country"]) if x)
    story: list = [
        _p("Building materials passport", "kicker"),
        _p(b["name"], "title"),
        _p(place or " ", "small"),
    ]
    if version_note:
        story.append(_p(version_note, "small"))
    story += [Spacer(1, 8), _kpis(doc), Spacer(1, 8), _identity(doc)]
    story += _completeness(doc)
    story += _families(doc)
    story += _statuses(doc)
    story += _hazards(doc)
    story.append(_p(f"Components ({len(doc['components']):,})", "h2"))
    legend = (
        "Mass as recorded or derived; MCI: Material Circularity Indicator; DS: disassembly "
        "score; A1-A3: embodied carbon in kgCO2e (t = tonnes CO2e). Condition 5 as new … 1 "
        "unusable for reuse."
    )
    story += [_p(legend, "small"), Spacer(1, 3), _component_table(doc)]
    story.append(_p("Methods", "h2"))
    for name, text in doc["methods"].items():
        story.append(KeepTogether([_p(f"{name.upper()}: {text}", "small"), Spacer(1, 2)]))
    footer = (
        f"{doc['generator']} · {doc['source']['building_url']} · generated "
        f"{doc['generated_at'][:10]}"
    )
    template.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()
