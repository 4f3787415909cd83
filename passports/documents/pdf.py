"""The printable passport as a PDF (reportlab platypus), drawn from the passport document.

Page one holds the summary (identity, owner, dates, total mass, MCI, disassembly score,
embodied carbon, data completeness), the materials by mass as a vector bar chart, the mass by
lifecycle status and the hazards; the component table follows as a LongTable whose header row
repeats on every page, so a building of thousands of components prints as a clean run of pages.
Every page carries the building, the generation time and "page n of m".
"""

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from passports.documents.pdfkit import CONTENT_WIDTH
from passports.documents.pdfkit import LINE
from passports.documents.pdfkit import carbon_text
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
from passports.documents.pdfkit import unit_text
from passports.documents.pdfkit import words
from passports.tags import format_tag

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
        (mass_text(s["total_mass_kg"]), "total mass"),
        (score_text(s["mci"]), "Material Circularity Indicator (0-1)"),
        (score_text(s["disassembly_score"]), "disassembly score (0.1-1)"),
        (carbon_text(s["carbon_a1a3_kg"]), "embodied carbon A1-A3"),
    ]
    return kpi_table(cells, per_row=4)


def _completeness(doc: dict) -> list:
    c = doc["summary"]["completeness"]
    note = (
        f"Share of the mass whose figures rest on recorded data, on documented defaults, or lack "
        f"a material. {c['components_without_mass']:,} component(s) have no mass and are not "
        "weighted."
    )
    return [
        paragraph("Data completeness", "h2"),
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
            f"{100 * r['carbon_a1a3_kg'] / total:.0f}%" if total else "–",
        ]
        for r in sorted(doc["summary"]["mass_by_family"], key=lambda r: -r["carbon_a1a3_kg"])
    ]
    out = [
        paragraph("Materials by mass", "h2"),
        families_drawing(doc["summary"]["mass_by_family"]),
    ]
    if carbon:
        out += [
            paragraph("Embodied carbon A1-A3 by material family", "h2"),
            _small_table(
                ["Family", "Mass", "A1-A3", "Share"],
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
        [words(r["status"]), f"{r['count']:,}", mass_text(r["mass_kg"])]
        for r in doc["summary"]["by_status"]
    ]
    if not rows:
        return []
    return [
        paragraph("Lifecycle status", "h2"),
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
    out = [paragraph("Hazardous substances", "h2")]
    if not rows:
        return [*out, paragraph("No hazardous substances recorded.")]
    out.append(
        _small_table(
            ["Component", "Tag", "Storey", "Substance", "Clearance"],
            rows,
            [68 * mm, 30 * mm, 32 * mm, 20 * mm, None],
        )
    )
    return out


def _component_table(doc: dict):
    f = fonts()
    fixed = sum(w for _, w, _ in COLUMNS if w)
    widths = [w if w else CONTENT_WIDTH - fixed for _, w, _ in COLUMNS]
    pad = 5
    name_w, storey_w, material_w = widths[1] - pad, widths[2] - pad, widths[5] - pad
    status_w = widths[10] - pad
    data = []
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
    return data_table(
        [heading for heading, _, _ in COLUMNS],
        data,
        widths,
        [col for col, (_, _, right) in enumerate(COLUMNS) if right],
        font_size=TABLE_FONT_SIZE,
        padding=1.6,
        extra_style=[
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ],
    )


def render_passport_pdf(doc: dict, *, version_note: str | None = None) -> bytes:
    """The passport document as PDF bytes (A4 portrait)."""
    b = doc["building"]
    place = ", ".join(x for x in (b["address"], b["city"], b["country"]) if x)
    story: list = [
        paragraph("Building materials passport", "kicker"),
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
    story.append(paragraph(f"Components ({len(doc['components']):,})", "h2"))
    legend = (
        "Mass as recorded or derived; MCI: Material Circularity Indicator; DS: disassembly "
        "score; A1-A3: embodied carbon in kgCO2e (t = tonnes CO2e). Condition 5 as new … 1 "
        "unusable for reuse."
    )
    story += [paragraph(legend, "small"), Spacer(1, 3), _component_table(doc)]
    story.append(paragraph("Methods", "h2"))
    for name, text in doc["methods"].items():
        story.append(KeepTogether([paragraph(f"{name.upper()}: {text}", "small"), Spacer(1, 2)]))
    footer = (
        f"{doc['generator']} · {doc['source']['building_url']} · generated "
        f"{doc['generated_at'][:10]}"
    )
    return render_pdf(
        story,
        heading="MATERIALS PASSPORT",
        running_title=b["name"],
        footer=footer,
        title=f"Materials passport: {b['name']}",
        author=doc["owner"]["name"],
        subject="Building materials passport",
        creator=doc["generator"],
    )
