"""The dashboard as a PDF report a city can attach to its progress reporting (for instance
under a circular cities declaration): headline figures, the urban mine, the lifecycle of the
components, CO2 avoided, activity per month, the buildings, and how each figure is made.
Charts are vector drawings (reportlab graphics), so they print sharp at any size.
"""

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table

from passports.documents.charts import STATUS_COLOURS
from passports.documents.pdfkit import CONTENT_WIDTH
from passports.documents.pdfkit import bar_drawing
from passports.documents.pdfkit import carbon_text
from passports.documents.pdfkit import column_drawing
from passports.documents.pdfkit import completeness_drawing
from passports.documents.pdfkit import data_table
from passports.documents.pdfkit import families_drawing
from passports.documents.pdfkit import fit
from passports.documents.pdfkit import fonts
from passports.documents.pdfkit import kpi_table
from passports.documents.pdfkit import mass_text
from passports.documents.pdfkit import paragraph
from passports.documents.pdfkit import render_pdf
from passports.documents.pdfkit import score_text
from passports.documents.pdfkit import words

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


OWN_PART_ONLY = (
    "Too few buildings or organisations have passports in this city to show its figures "
    "without revealing one owner's: these are your organisation's buildings in it only."
)


def _reuses(count: int) -> str:
    return f"{count:,} reuse" + ("" if count == 1 else "s")


def _kpis(data: dict) -> Table:
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
    return kpi_table(cells, per_row=3)


def render_dashboard_pdf(data: dict, *, base_url: str) -> bytes:
    """The dashboard data as PDF bytes (A4 portrait)."""
    f = fonts()
    scope = data["scope"]
    title = f"{'City of ' if scope['kind'] == 'city' else ''}{scope['name']}"
    generated = data["generated_at"].strftime("%Y-%m-%d %H:%M UTC")

    kind = "City" if scope["kind"] == "city" else "Organisation"
    story: list = [
        paragraph(f"{kind} dashboard", "kicker"),
        paragraph(title, "title"),
        paragraph(
            f"Figures as of {generated}: {data['buildings']['in_scope']:,} building(s) in scope, "
            f"{data['component_count']:,} components in their passports.",
            "small",
        ),
    ]
    if scope.get("own_organisation_only"):
        story.append(paragraph(OWN_PART_ONLY, "small"))
    story += [
        Spacer(1, 8),
        _kpis(data),
    ]
    c = data["completeness"]
    story += [
        paragraph("Data completeness", "h2"),
        completeness_drawing(c),
        paragraph(
            f"Share of the mass whose figures rest on recorded data or on documented defaults. "
            f"{c['components_without_mass']:,} component(s) have no mass.",
            "small",
        ),
    ]
    story += [
        paragraph("Urban mine: mass by material family", "h2"),
        families_drawing(data["urban_mine"]),
    ]
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
            [
                paragraph("Lifecycle: mass by status (and components)", "h2"),
                bar_drawing(life, CONTENT_WIDTH),
            ]
        ),
    ]
    co2 = data["co2_avoided"]
    story += [
        paragraph("CO2 avoided by reuse", "h2"),
        data_table(
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
            [
                paragraph("Activity: events recorded per month", "h2"),
                column_drawing(points, CONTENT_WIDTH),
            ]
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
            paragraph("Largest buildings", "h2"),
            paragraph(note, "small"),
            Spacer(1, 3),
            data_table(
                ["Building", "City", "Comps", "Mass", "MCI", "DS", "A1-A3"],
                rows,
                [72 * mm, 28 * mm, 16 * mm, 20 * mm, 12 * mm, 12 * mm, None],
                right=(2, 3, 4, 5, 6),
            ),
        ]
    story.append(paragraph("How the figures are made", "h2"))
    for note in METHOD_NOTES:
        story += [paragraph(note, "small"), Spacer(1, 2)]
    footer = f"Material Passport Exchange · {base_url} · generated {generated}"
    return render_pdf(
        story,
        heading="CIRCULAR CONSTRUCTION PROGRESS REPORT",
        running_title=title,
        footer=footer,
        title=f"Circular construction progress: {title}",
        author="Material Passport Exchange",
        subject="Urban mine, reuse and CO2 avoided",
    )
