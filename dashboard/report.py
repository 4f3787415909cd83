"""The dashboard as a PDF report a city can attach to its progress reporting (for instance
under a circular cities declaration): headline figures, the urban mine, the lifecycle of the
components, CO2 avoided, activity per month, the buildings, and how each figure is made.
Charts are vector drawings (reportlab graphics), so they print sharp at any size.
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

from passports.documents.charts import FAMILY_COLOURS, QUALITY_COLOURS, STATUS_COLOURS
from passports.documents.pdfkit import (
    GREEN,
    LIGHT,
    LINE,
    bar_drawing,
    carbon_text,
    column_drawing,
    fit,
    fonts,
    mass_text,
    numbered_canvas,
    score_text,
    stacked_drawing,
    styles,
)

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
METHOD_NOTES = (
    "Mass: as recorded in each component's passport, or derived from its volume and the "
    "densities of its materials. Components without a mass are counted, not weighted.",
    "Embodied carbon A1-A3 (EN 15978): mass × factor of each material from the library "
    "(ICE v2, Hammond & Jones 2011, unless the library cites another source).",
    "Material Circularity Indicator: Ellen MacArthur Foundation (2015, rev. 2019), per "
    "component with E_F = E_C = 0.75; end-of-life fractions recorded or derived from the "
    "connection, condition and hazards; averaged by mass.",
    "Disassembly score: after the DGBC detachability index (2021), harmonic mean of "
    "connection type, accessibility, intersections and edge enclosure (0.1-1); averaged by "
    "mass.",
    "CO2 avoided: for each collected reservation on the exchange, the new A1-A3 of the reused "
    "mass less reprocessing and transport (A4) to its destination, recorded when reserved.",
)


def words(value: str | None) -> str:
    """snake_case to words."""
    return (value or "").replace("_", " ").capitalize()


OWN_PART_ONLY = (
    "Too few buildings or organisations have passports in this city to show its figures "
    "without revealing one owner's: these are your organisation's buildings in it only."
)


def _reuses(count: int) -> str:
    return f"{count:,} reuse" + ("" if count == 1 else "s")


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _kpis(data: dict) -> Table:
    st = styles()
    co2 = data["co2_avoided"]
    cells = [
        (f"{data['buildings']['with_passports']:,}", "buildings with passports"),
        (mass_text(data["mass_kg"]), "urban mine (mass in passports)"),
        (
            carbon_text(co2["total_kg"]),
            f"CO2e avoided to date ({_reuses(co2['total_transactions'])})",
        ),
        (score_text(data["mci"]), "average MCI (by mass)"),
        (score_text(data["disassembly_score"]), "average disassembly score"),
        (carbon_text(data["carbon_a1a3_kg"]), "embodied carbon A1-A3 in stock"),
    ]
    rows = []
    for start in (0, 3):
        rows.append(
            [
                [Paragraph(escape(v), st["kpi_value"]), Paragraph(escape(lbl), st["kpi_label"])]
                for v, lbl in cells[start : start + 3]
            ]
        )
    table = Table(rows, colWidths=[WIDTH / 3] * 3, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("BOX", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _table(header: list[str], rows: list[list[str]], widths, right=()) -> LongTable:
    f = fonts()
    table = LongTable([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), f.bold, 8),
        ("FONT", (0, 1), (-1, -1), f.regular, 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for col in right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def render_dashboard_pdf(data: dict, *, base_url: str) -> bytes:
    """The dashboard data as PDF bytes (A4 portrait)."""
    buffer = BytesIO()
    f = fonts()
    scope = data["scope"]
    title = f"{'City of ' if scope['kind'] == 'city' else ''}{scope['name']}"
    generated = data["generated_at"].strftime("%Y-%m-%d %H:%M UTC")

    def header(canvas, _doc):
        canvas.saveState()
        canvas.setFont(f.bold, 7.5)
        canvas.setFillColor(GREEN)
        canvas.drawString(MARGIN, A4[1] - 10 * mm, "CIRCULAR CONSTRUCTION PROGRESS REPORT")
        canvas.setFont(f.regular, 7.5)
        canvas.drawRightString(A4[0] - MARGIN, A4[1] - 10 * mm, fit(title, f.regular, 7.5, 90 * mm))
        canvas.setStrokeColor(LINE)
        canvas.line(MARGIN, A4[1] - 11.5 * mm, A4[0] - MARGIN, A4[1] - 11.5 * mm)
        canvas.restoreState()

    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Circular construction progress: {title}",
        author="Material Passport Exchange",
        subject="Urban mine, reuse and CO2 avoided",
    )
    frame = Frame(
        MARGIN,
        16 * mm,
        WIDTH,
        A4[1] - 32 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])

    kind = "City" if scope["kind"] == "city" else "Organisation"
    story: list = [
        _p(f"{kind} dashboard", "kicker"),
        _p(title, "title"),
        _p(
            f"Figures as of {generated}: {data['buildings']['in_scope']:,} building(s) in scope, "
            f"{data['component_count']:,} components in their passports.",
            "small",
        ),
    ]
    if scope.get("own_organisation_only"):
        story.append(_p(OWN_PART_ONLY, "small"))
    story += [
        Spacer(1, 8),
        _kpis(data),
    ]
    c = data["completeness"]
    story += [
        _p("Data completeness", "h2"),
        stacked_drawing(
            [
                ("Full data", c["full_kg"], QUALITY_COLOURS["full"]),
                ("Defaults", c["defaults_kg"], QUALITY_COLOURS["defaults"]),
                ("No material", c["none_kg"], QUALITY_COLOURS["none"]),
            ],
            WIDTH,
        ),
        _p(
            f"Share of the mass whose figures rest on recorded data or on documented defaults. "
            f"{c['components_without_mass']:,} component(s) have no mass.",
            "small",
        ),
    ]
    mine = [
        (
            words(r["family"]),
            r["mass_kg"],
            mass_text(r["mass_kg"]),
            FAMILY_COLOURS.get(r["family"], "#2e7d5b"),
        )
        for r in data["urban_mine"]
    ]
    story += [_p("Urban mine: mass by material family", "h2"), bar_drawing(mine, WIDTH)]
    life = [
        (
            words(r["status"]),
            r["mass_kg"],
            f"{mass_text(r['mass_kg'])} · {r['count']:,}",
            STATUS_COLOURS.get(r["status"], "#2e7d5b"),
        )
        for r in data["lifecycle"]
    ]
    story += [
        KeepTogether(
            [_p("Lifecycle: mass by status (and components)", "h2"), bar_drawing(life, WIDTH)]
        ),
    ]
    co2 = data["co2_avoided"]
    story += [
        _p("CO2 avoided by reuse", "h2"),
        _table(
            ["", "Reuses", "CO2e avoided"],
            [
                [
                    "Harvested from buildings in scope",
                    f"{co2['harvested_transactions']:,}",
                    carbon_text(co2["harvested_kg"]),
                ],
                [
                    "Received by buildings in scope",
                    f"{co2['received_transactions']:,}",
                    carbon_text(co2["received_kg"]),
                ],
                [
                    "In all (each reuse once)",
                    f"{co2['total_transactions']:,}",
                    carbon_text(co2["total_kg"]),
                ],
            ],
            [100 * mm, 30 * mm, None],
            right=(1, 2),
        ),
    ]
    points = [(r["month"][2:].replace("-", "/"), r["events"]) for r in data["activity"]]
    story += [
        KeepTogether(
            [_p("Activity: events recorded per month", "h2"), column_drawing(points, WIDTH)]
        ),
    ]
    if data["top_buildings"]:
        rows = [
            [
                fit(b["name"], f.regular, 8, 70 * mm),
                fit(b["city"], f.regular, 8, 26 * mm),
                f"{b['component_count']:,}",
                mass_text(b["mass_kg"]),
                score_text(b["mci"]),
                score_text(b["disassembly_score"]),
                carbon_text(b["carbon_a1a3_kg"]),
            ]
            for b in data["top_buildings"]
        ]
        note = (
            "Buildings whose passports the reader of this report may open; all buildings "
            "count in the figures above."
            if scope["kind"] == "city"
            else "The organisation's largest buildings by mass."
        )
        story += [
            _p("Largest buildings", "h2"),
            _p(note, "small"),
            Spacer(1, 3),
            _table(
                ["Building", "City", "Comps", "Mass", "MCI", "DS", "A1-A3"],
                rows,
                [72 * mm, 28 * mm, 16 * mm, 20 * mm, 12 * mm, 12 * mm, None],
                right=(2, 3, 4, 5, 6),
            ),
        ]
    story.append(_p("How the figures are made", "h2"))
    for note in METHOD_NOTES:
        story += [_p(note, "small"), Spacer(1, 2)]
    footer = f"Material Passport Exchange · {base_url} · generated {generated}"
    template.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()
