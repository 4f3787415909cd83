"""The dashboard as a PDF report a city can attach to its progress reporting (for instance
under a circular cities declaration): headline figures, the urban mine, the lifecycle of the
components, CO2 avoided, activity per month, the buildings, and how each figure is made.
Charts are vector drawings (reportlab graphics), so they print sharp at any size.

Every text is in the reader's language (the figures formatted as the pages format them), in
the documents' fonts, which carry Japanese and Chinese glyphs.
"""

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table

from app.templating import number
from dashboard import texts
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


def method_notes() -> list[str]:
    """How each figure is made, in the reader's language."""
    return [
        _(
            "Mass: as recorded in each component's passport, or derived from its volume and the "
            "densities of its materials. Components without a mass are counted, not weighted."
        ),
        _(
            "Embodied carbon A1-A3 (EN 15978): mass × factor of each material from the library "
            "(ICE v2, Hammond & Jones 2011, unless the library cites another source)."
        ),
        _(
            "Material Circularity Indicator: Ellen MacArthur Foundation (2015, rev. 2019), per "
            "component with E_F = E_C = 0.75; end-of-life fractions recorded or derived from "
            "the connection, condition and hazards; averaged by mass."
        ),
        _(
            "Disassembly score: after the DGBC detachability index (2021), harmonic mean of "
            "connection type, accessibility, intersections and edge enclosure (0.1-1); averaged "
            "by mass."
        ),
        _(
            "CO2 avoided: for each collected reservation on the exchange, the new A1-A3 of the "
            "reused mass less reprocessing and transport (A4) to its destination, recorded when "
            "reserved."
        ),
    ]


def _count(value: int) -> str:
    return number(value, 0)


def _kpis(data: dict) -> Table:
    co2 = data["co2_avoided"]
    reuses = co2["total_transactions"]
    cells = [
        (_count(data["buildings"]["with_passports"]), _("buildings with passports")),
        (mass_text(data["mass_kg"]), _("urban mine (mass in passports)")),
        (
            carbon_text(co2["total_kg"]),
            ngettext(
                "CO2e avoided to date (%(count)s reuse)",
                "CO2e avoided to date (%(count)s reuses)",
                reuses,
                count=_count(reuses),
            ),
        ),
        (score_text(data["mci"]), _("average MCI (by mass)")),
        (score_text(data["disassembly_score"]), _("average disassembly score (by mass)")),
        (carbon_text(data["carbon_a1a3_kg"]), _("embodied carbon A1-A3 in stock")),
    ]
    return kpi_table(cells, per_row=3)


def _completeness_note(c: dict) -> str:
    shares = _(
        "Share of the mass whose figures rest on recorded data: %(full)s; on documented "
        "defaults: %(defaults)s; with no material: %(none)s.",
        full=texts.percent(c["full_share"]),
        defaults=texts.percent(c["defaults_share"]),
        none=texts.percent(c["none_share"]),
    )
    count = c["components_without_mass"]
    missing = ngettext(
        "%(count)s component has no mass.",
        "%(count)s components have no mass.",
        count,
        count=_count(count),
    )
    return f"{shares} {missing}"


def render_dashboard_pdf(data: dict, *, base_url: str) -> bytes:
    """The dashboard data as PDF bytes (A4 portrait)."""
    f = fonts()
    scope = data["scope"]
    city = scope["kind"] == "city"
    title = _("City of %(name)s", name=scope["name"]) if city else scope["name"]
    generated = texts.as_of(data["generated_at"])
    in_scope, components = data["buildings"]["in_scope"], data["component_count"]
    story: list = [
        paragraph(_("City dashboard") if city else _("Organisation dashboard"), "kicker"),
        paragraph(title, "title"),
        paragraph(
            " ".join(
                (
                    _("Figures as of %(time)s.", time=generated),
                    _("Buildings covered: %(count)s.", count=_count(in_scope)),
                    _("Components in their passports: %(count)s.", count=_count(components)),
                )
            ),
            "small",
        ),
    ]
    if scope.get("own_organisation_only"):
        own_part = _(
            "Too few buildings or organisations have passports in this city to show its "
            "figures without revealing one owner's: these are your organisation's buildings in "
            "it only."
        )
        story.append(paragraph(own_part, "small"))
    story += [
        Spacer(1, 8),
        _kpis(data),
    ]
    c = data["completeness"]
    story += [
        paragraph(_("Data completeness"), "h2"),
        completeness_drawing(c),
        paragraph(_completeness_note(c), "small"),
    ]
    story += [
        paragraph(texts.chart_name("urban_mine"), "h2"),
        families_drawing(data["urban_mine"]),
    ]
    life = [
        (
            words(r["status"]),
            r["mass_kg"],
            f"{mass_text(r['mass_kg'])} · {_count(r['count'])}",
            STATUS_COLOURS.get(r["status"], "#2e7d5b"),
        )
        for r in data["lifecycle"]
    ]
    story += [
        KeepTogether(
            [
                paragraph(_("Lifecycle: mass by status (and number of components)"), "h2"),
                bar_drawing(life, CONTENT_WIDTH),
            ]
        ),
    ]
    co2 = data["co2_avoided"]
    story += [
        paragraph(_("CO2 avoided by reuse"), "h2"),
        data_table(
            ["", _("Reuses"), _("CO2e avoided")],
            [
                [
                    _("Harvested from buildings in scope"),
                    _count(co2["harvested_transactions"]),
                    carbon_text(co2["harvested_kg"]),
                ],
                [
                    _("Received by buildings in scope"),
                    _count(co2["received_transactions"]),
                    carbon_text(co2["received_kg"]),
                ],
                [
                    _("In all, each reuse once"),
                    _count(co2["total_transactions"]),
                    carbon_text(co2["total_kg"]),
                ],
            ],
            [100 * mm, 30 * mm, None],
            right=(1, 2),
        ),
    ]
    points = [(texts.month_name(r["month"], short=True), r["events"]) for r in data["activity"]]
    story += [
        KeepTogether(
            [
                paragraph(_("Activity: events recorded per month"), "h2"),
                column_drawing(points, CONTENT_WIDTH),
            ]
        ),
    ]
    if data["top_buildings"]:
        rows = [
            [
                fit(b["name"], f.regular, 8, 70 * mm),
                fit(b["city"], f.regular, 8, 26 * mm),
                _count(b["component_count"]),
                mass_text(b["mass_kg"]),
                score_text(b["mci"]),
                score_text(b["disassembly_score"]),
                carbon_text(b["carbon_a1a3_kg"]),
            ]
            for b in data["top_buildings"]
        ]
        note = (
            _(
                "Buildings whose passports the reader of this report may open; all buildings "
                "count in the figures above."
            )
            if city
            else _("The organisation's largest buildings by mass.")
        )
        story += [
            paragraph(_("Largest buildings"), "h2"),
            paragraph(note, "small"),
            paragraph(
                _(
                    "Comp.: components; DS: disassembly score (0.1-1); A1-A3: embodied "
                    "carbon of modules A1-A3."
                ),
                "small",
            ),
            Spacer(1, 3),
            data_table(
                [
                    _("Building"),
                    _("City"),
                    # Short headers: the columns are narrow.
                    _("Comp."),
                    _("Mass"),
                    "MCI",
                    _("DS"),
                    _("A1-A3"),
                ],
                rows,
                [72 * mm, 28 * mm, 16 * mm, 20 * mm, 12 * mm, 12 * mm, None],
                right=(2, 3, 4, 5, 6),
            ),
        ]
    story.append(paragraph(_("How the figures are made"), "h2"))
    for note in method_notes():
        story += [paragraph(note, "small"), Spacer(1, 2)]
    footer = _(
        "Material Passport Exchange · %(url)s · generated %(time)s", url=base_url, time=generated
    )
    return render_pdf(
        story,
        heading=_("Circular construction progress report"),
        running_title=title,
        footer=footer,
        title=_("Circular construction progress: %(name)s", name=title),
        author="Material Passport Exchange",
        subject=_("Urban mine, reuse and CO2 avoided"),
    )
