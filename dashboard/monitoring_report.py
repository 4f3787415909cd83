"""A city's yearly monitoring report as PDF (dashboard.monitoring gives the figures): key
figures, the urban mine surveyed and estimated by family with the estimate's range and error,
reuse through the exchange in the year, the demolition harvest by year, and the annex of sources
and methods. Same page, fonts (Japanese and Chinese included) and tables as the dashboard's
report (dashboard.report); every text in the reader's language."""

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer

from app.templating import number
from dashboard import texts
from passports.documents.pdfkit import CONTENT_WIDTH
from passports.documents.pdfkit import carbon_text
from passports.documents.pdfkit import column_drawing
from passports.documents.pdfkit import data_table
from passports.documents.pdfkit import kpi_table
from passports.documents.pdfkit import mass_text
from passports.documents.pdfkit import paragraph
from passports.documents.pdfkit import render_pdf
from passports.documents.pdfkit import score_text
from passports.documents.pdfkit import words


def _count(value: int) -> str:
    return number(value, 0)


def _range(low: float, high: float) -> str:
    return _("%(low)s to %(high)s", low=mass_text(low), high=mass_text(high))


def trust_sentence(key: str) -> str:
    """How far to trust the estimate (dashboard.queries.mine.trust), in a sentence."""
    if key == "none":
        return _(
            "No building is both estimated and surveyed yet, so the estimate cannot be checked "
            "here. Published studies find errors of %(low)s to %(high)s per building; totals "
            "over many buildings are closer.",
            low=texts.percent(0.2),
            high=texts.percent(0.5),
        )
    if key == "few":
        return _(
            "Only a few buildings are both estimated and surveyed: the errors below are "
            "indicative, not a measure of the estimate's quality."
        )
    if key == "good":
        return _(
            "For the main structural materials the estimate is typically within %(share)s of "
            "the survey per building; totals over many buildings are closer still.",
            share=texts.percent(0.3),
        )
    return _(
        "The estimate often misses the survey by more than %(share)s per building: read it as "
        "an order of magnitude, and survey the largest buildings first.",
        share=texts.percent(0.3),
    )


def _kpis(data: dict):
    mine, reuse = data["mine"], data["reuse"]
    t = mine["total"]
    return kpi_table(
        [
            (mass_text(t["total_kg"]), _("urban mine, surveyed + estimated")),
            (texts.percent(mine["surveyed_share_mass"]), _("surveyed, by mass")),
            (texts.percent(mine["surveyed_share_buildings"]), _("buildings surveyed")),
            (
                _count(reuse["components"]),
                ngettext(
                    "component reused through the exchange in %(year)s",
                    "components reused through the exchange in %(year)s",
                    reuse["components"],
                    year=data["year"],
                ),
            ),
            (mass_text(reuse["mass_kg"]), _("mass reused in %(year)s", year=data["year"])),
            (
                carbon_text(reuse["co2_avoided_kg"]),
                _("CO2e avoided in %(year)s", year=data["year"]),
            ),
            (score_text(data["mci"]), _("average MCI of surveyed buildings (by mass)")),
        ],
        per_row=4,
    )


def _mine(data: dict) -> list:
    mine = data["mine"]
    reg = mine["register"]
    rows = [
        [
            words(r["family"]),
            mass_text(r["surveyed_kg"]),
            mass_text(r["estimated_kg"]),
            _range(r["estimated_low_kg"], r["estimated_high_kg"]),
            mass_text(r["total_kg"]),
            carbon_text(r["estimated_carbon_kg"]),
        ]
        for r in mine["families"]
    ]
    t = mine["total"]
    rows.append(
        [
            _("Total"),
            mass_text(t["surveyed_kg"]),
            mass_text(t["estimated_kg"]),
            _range(t["estimated_low_kg"], t["estimated_high_kg"]),
            mass_text(t["total_kg"]),
            carbon_text(t["estimated_carbon_kg"]),
        ]
    )
    counts = " ".join(
        (
            _(
                "Register buildings: %(register)s, of which %(passport)s with a passport "
                "(surveyed), %(estimated)s estimated and %(missing)s not estimated (no floor "
                "area). Buildings with passports: %(surveyed)s.",
                register=_count(reg["register"]),
                passport=_count(reg["with_passport"]),
                estimated=_count(reg["estimated"]),
                missing=_count(reg["not_estimated"]),
                surveyed=_count(data["buildings"]["with_passports"]),
            ),
        )
    )
    story = [
        paragraph(_("Urban mine by material family"), "h2"),
        paragraph(counts, "small"),
        Spacer(1, 3),
        data_table(
            [
                _("Material family"),
                _("Surveyed"),
                _("Estimated"),
                _("Estimate range"),
                _("Together"),
                _("A1-A3 est."),
            ],
            rows,
            [34 * mm, 25 * mm, 25 * mm, 40 * mm, 25 * mm, None],
            right=(1, 2, 3, 4, 5),
        ),
        paragraph(
            _(
                "Estimate range: the interquartile range of the material intensities × floor "
                "area. A1-A3 est.: embodied carbon of the estimated mass."
            ),
            "small",
        ),
        paragraph(_("How far to trust the estimate"), "h2"),
        paragraph(trust_sentence(mine["trust"]), "body"),
    ]
    if mine["mape"]:
        story += [
            Spacer(1, 3),
            data_table(
                [_("Material family"), _("Median error"), _("Buildings compared")],
                [
                    [
                        words(r["family"]),
                        texts.percent(r["mape_percent"] / 100),
                        _count(r["buildings"]),
                    ]
                    for r in mine["mape"]
                ],
                [60 * mm, 40 * mm, None],
                right=(1, 2),
            ),
        ]
    return story


def _reuse(data: dict) -> list:
    reuse, year = data["reuse"], data["year"]
    return [
        paragraph(_("Reuse through the exchange in %(year)s", year=year), "h2"),
        data_table(
            ["", _("In %(year)s", year=year)],
            [
                [_("Collected reservations"), _count(reuse["reservations"])],
                [_("Components reused"), _count(reuse["components"])],
                [_("Mass reused"), mass_text(reuse["mass_kg"])],
                [_("CO2e avoided"), carbon_text(reuse["co2_avoided_kg"])],
                [_("CO2e avoided to date"), carbon_text(data["co2_avoided_to_date_kg"])],
            ],
            [100 * mm, None],
            right=(1,),
        ),
    ]


def _harvest(data: dict) -> list:
    years = data["harvest"]["years"]
    rows = [
        [
            str(y["year"]),
            mass_text(y["total"]["surveyed_kg"]),
            mass_text(y["total"]["estimated_kg"]),
            _range(y["total"]["estimated_low_kg"], y["total"]["estimated_high_kg"]),
            mass_text(y["total"]["listed_kg"]),
            mass_text(y["total"]["wanted_kg"]),
        ]
        for y in years
    ]
    points = [
        (str(y["year"]), (y["total"]["surveyed_kg"] + y["total"]["estimated_kg"]) / 1000)
        for y in years
    ]
    story = [
        KeepTogether(
            [
                paragraph(_("Demolition harvest by year (tonnes, surveyed + estimated)"), "h2"),
                column_drawing(points, CONTENT_WIDTH),
            ]
        ),
        Spacer(1, 4),
        data_table(
            [
                _("Year"),
                _("Surveyed"),
                _("Estimated"),
                _("Estimate range"),
                _("Offered"),
                _("Asked for"),
            ],
            rows,
            [16 * mm, 27 * mm, 27 * mm, 45 * mm, 27 * mm, None],
            right=(1, 2, 3, 4, 5),
        ),
    ]
    families = data["harvest"]["families"]
    if families:
        story += [
            Spacer(1, 4),
            data_table(
                [_("Material family"), _("Surveyed"), _("Estimated"), _("Offered"), _("Asked for")],
                [
                    [
                        words(r["family"]),
                        mass_text(r["surveyed_kg"]),
                        mass_text(r["estimated_kg"]),
                        mass_text(r["listed_kg"]),
                        mass_text(r["wanted_kg"]),
                    ]
                    for r in families
                ],
                [40 * mm, 32 * mm, 32 * mm, 32 * mm, None],
                right=(1, 2, 3, 4),
            ),
        ]
    story.append(
        paragraph(
            _(
                "Offered: published listings from the city's buildings, by the date they are "
                "available from. Asked for: open wanted requests on the exchange, by the date "
                "they are needed by (requests in kg or t are weighed, the others counted)."
            ),
            "small",
        )
    )
    return story


def render_monitoring_pdf(data: dict, *, base_url: str) -> bytes:
    """The monitoring report as PDF bytes (A4 portrait)."""
    scope, year = data["scope"], data["year"]
    title = _("City of %(name)s", name=scope["name"])
    generated = texts.as_of(data["generated_at"])
    story: list = [
        paragraph(_("Circular city monitoring report %(year)s", year=year), "kicker"),
        paragraph(title, "title"),
        paragraph(
            _(
                "Figures for the calendar year %(year)s; the urban mine as of %(time)s.",
                year=year,
                time=generated,
            ),
            "small",
        ),
    ]
    if scope.get("own_organisation_only"):
        story.append(
            paragraph(
                _(
                    "Too few buildings or organisations have passports in this city to show its "
                    "figures without revealing one owner's: these are your organisation's "
                    "buildings in it only."
                ),
                "small",
            )
        )
    story += [Spacer(1, 8), _kpis(data)]
    story += _mine(data)
    story += _reuse(data)
    story += _harvest(data)
    story.append(paragraph(_("Annex: sources and methods"), "h2"))
    for a in data["annex"]:
        story += [
            paragraph(a["name"], "body"),
            paragraph(_("Source: %(source)s", source=a["source"]), "small"),
            paragraph(_("Method: %(method)s", method=a["method"]), "small"),
            Spacer(1, 3),
        ]
    footer = _(
        "Material Passport Exchange · %(url)s · generated %(time)s", url=base_url, time=generated
    )
    return render_pdf(
        story,
        heading=_("Circular city monitoring report %(year)s", year=year),
        running_title=title,
        footer=footer,
        title=_("Circular city monitoring report %(year)s: %(name)s", year=year, name=title),
        author="Material Passport Exchange",
        subject=_("Urban mine, reuse and CO2 avoided"),
    )
