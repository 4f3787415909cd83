"""Schemas of the dashboard API: outputs only, plus the query arguments."""

from marshmallow import Schema
from marshmallow import fields

from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import UtcDateTime
from passports.schemas.buildings import FamilyMassSchema
from passports.schemas.buildings import StatusCountSchema


class OrganisationArgs(InputSchema):
    """Which organisation (admins only; others always see their own)."""

    organisation_id = Id(strict=False)


class CitySchema(Schema):
    """A city with live buildings."""

    city = fields.String()
    buildings = fields.Integer()
    mass_kg = fields.Float()
    own_organisation_only = fields.Boolean(
        metadata={
            "description": "Too few buildings or organisations for city aggregates: the "
            "figures are the caller's organisation's part of the city only."
        }
    )


class FamilySchema(FamilyMassSchema):
    """Mass and embodied carbon of one material family."""

    component_count = fields.Integer()
    carbon_a1a3_kg = fields.Float()


class LifecycleSchema(StatusCountSchema):
    """Components in one lifecycle status, and their mass."""

    mass_kg = fields.Float()


class CompletenessSchema(Schema):
    """How much of the mass rests on full data, on defaults, or lacks a material."""

    full_kg = fields.Float()
    defaults_kg = fields.Float()
    none_kg = fields.Float()
    full_share = fields.Float(allow_none=True)
    defaults_share = fields.Float(allow_none=True)
    none_share = fields.Float(allow_none=True)
    components_without_mass = fields.Integer()


class Co2Schema(Schema):
    """CO2 avoided by collected reservations: harvested from, received by, and in all."""

    harvested_kg = fields.Float()
    harvested_transactions = fields.Integer()
    received_kg = fields.Float()
    received_transactions = fields.Integer()
    total_kg = fields.Float()
    total_transactions = fields.Integer()


class MonthSchema(Schema):
    """Events recorded in one month."""

    month = fields.String()
    events = fields.Integer()


class KindSchema(Schema):
    """Events of one kind over the months shown."""

    kind = fields.String()
    events = fields.Integer()


class FiguresSchema(Schema):
    """The figures of a building or of a scope, as passports.metrics.queries.figures gives them."""

    component_count = fields.Integer()
    mass_kg = fields.Float()
    carbon_a1a3_kg = fields.Float()
    mci = fields.Float(allow_none=True)
    disassembly_score = fields.Float(allow_none=True)


class BuildingRowSchema(FiguresSchema):
    """A building of the scope that the caller may read, with its figures."""

    id = fields.Integer()
    name = fields.String()
    city = fields.String()
    status = fields.String()


class ScopeSchema(Schema):
    """What the dashboard covers."""

    kind = fields.String()
    name = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    own_organisation_only = fields.Boolean(
        metadata={"description": "A city shown as the caller's organisation's part only."}
    )


class BuildingCountsSchema(Schema):
    """Buildings in scope, those with passports, and those not yet summarised."""

    in_scope = fields.Integer()
    with_passports = fields.Integer()
    not_summarised = fields.Integer()


class MineFamilySchema(Schema):
    """One material family of the urban mine: surveyed in passports, estimated from the register
    (median with its interquartile range, kg), and both together."""

    family = fields.String()
    surveyed_kg = fields.Float()
    surveyed_carbon_kg = fields.Float()
    estimated_kg = fields.Float()
    estimated_low_kg = fields.Float()
    estimated_high_kg = fields.Float()
    estimated_carbon_kg = fields.Float()
    estimated_carbon_low_kg = fields.Float()
    estimated_carbon_high_kg = fields.Float()
    total_kg = fields.Float()
    total_low_kg = fields.Float()
    total_high_kg = fields.Float()
    surveyed_share = fields.Float(allow_none=True)


class MineTotalSchema(Schema):
    """The urban mine's totals (kg, kgCO2e A1-A3)."""

    surveyed_kg = fields.Float()
    surveyed_carbon_kg = fields.Float()
    estimated_kg = fields.Float()
    estimated_low_kg = fields.Float()
    estimated_high_kg = fields.Float()
    estimated_carbon_kg = fields.Float()
    estimated_carbon_low_kg = fields.Float()
    estimated_carbon_high_kg = fields.Float()
    total_kg = fields.Float()
    total_low_kg = fields.Float()
    total_high_kg = fields.Float()


class RegisterCountsSchema(Schema):
    """Register buildings in scope: with a passport, without (estimated, or not estimated for
    want of a floor area), and the floor area estimated."""

    register = fields.Integer()
    with_passport = fields.Integer()
    without_passport = fields.Integer()
    estimated = fields.Integer()
    not_estimated = fields.Integer()
    floor_area_m2 = fields.Float()


class MapeSchema(Schema):
    """The estimate's median absolute percentage error for one family, over the buildings both
    estimated (register) and surveyed (passport)."""

    family = fields.String()
    mape_percent = fields.Float()
    buildings = fields.Integer()


class MineSchema(Schema):
    """The urban mine as surveyed + estimated (Heeren & Fishman 2019, MIRD v1.2)."""

    register = fields.Nested(RegisterCountsSchema)
    families = fields.List(fields.Nested(MineFamilySchema))
    total = fields.Nested(MineTotalSchema)
    surveyed_share_mass = fields.Float(allow_none=True)
    surveyed_share_buildings = fields.Float(allow_none=True)
    buildings_total = fields.Integer()
    mape = fields.List(fields.Nested(MapeSchema))
    mape_buildings = fields.Integer()
    trust = fields.String(
        metadata={"description": "none | few | good | rough: how far to trust the estimate."}
    )


class SupplyFiguresSchema(Schema):
    """Mass becoming available (surveyed, estimated with its range), offered and asked for."""

    surveyed_kg = fields.Float()
    estimated_kg = fields.Float()
    estimated_low_kg = fields.Float()
    estimated_high_kg = fields.Float()
    listed_kg = fields.Float()
    listings = fields.Integer()
    wanted_kg = fields.Float(
        metadata={"description": "Mass asked for by requests in kg or t (others: counted only)."}
    )
    wanted_requests = fields.Integer()


class SupplyFamilySchema(SupplyFiguresSchema):
    """One family's future supply and demand."""

    family = fields.String()


class SupplyYearSchema(Schema):
    """One year's future supply and demand, by family and in all."""

    year = fields.Integer()
    families = fields.List(fields.Nested(SupplyFamilySchema))
    total = fields.Nested(SupplyFiguresSchema)


class FutureSupplySchema(Schema):
    """Planned demolitions per year next to the exchange's listings and wanted requests."""

    first_year = fields.Integer()
    years = fields.List(fields.Nested(SupplyYearSchema))
    families = fields.List(fields.Nested(SupplyFamilySchema))


class DashboardSchema(FiguresSchema):
    """An organisation's or a city's progress: urban mine, lifecycle, CO2 avoided, activity."""

    scope = fields.Nested(ScopeSchema)
    generated_at = UtcDateTime()
    buildings = fields.Nested(BuildingCountsSchema)
    components_without_mass = fields.Integer()
    completeness = fields.Nested(CompletenessSchema)
    unscored_components = fields.Integer()
    urban_mine = fields.List(fields.Nested(FamilySchema))
    lifecycle = fields.List(fields.Nested(LifecycleSchema))
    co2_avoided = fields.Nested(Co2Schema)
    activity = fields.List(fields.Nested(MonthSchema))
    activity_by_kind = fields.List(fields.Nested(KindSchema))
    top_buildings = fields.List(fields.Nested(BuildingRowSchema))
    mine = fields.Nested(MineSchema)
    future_supply = fields.Nested(FutureSupplySchema)


class ReuseYearSchema(Schema):
    """Collected reservations of a year harvested from or received by the city, each once."""

    reservations = fields.Integer()
    components = fields.Integer()
    mass_kg = fields.Float()
    co2_avoided_kg = fields.Float()


class AnnexSchema(Schema):
    """A figure of the report, its source and its method (in the caller's language)."""

    figure = fields.String()
    name = fields.String()
    source = fields.String()
    method = fields.String()


class MonitoringSchema(Schema):
    """A city's yearly monitoring report: the figures a Circular Cities Declaration signatory
    reports, with each figure's source and method (annex)."""

    scope = fields.Nested(ScopeSchema)
    year = fields.Integer()
    generated_at = UtcDateTime()
    register_imported_at = UtcDateTime(allow_none=True)
    buildings = fields.Nested(BuildingCountsSchema)
    mine = fields.Nested(MineSchema)
    carbon_a1a3_kg = fields.Float(allow_none=True)
    reuse = fields.Nested(ReuseYearSchema)
    co2_avoided_to_date_kg = fields.Float()
    mci = fields.Float(allow_none=True)
    harvest = fields.Nested(FutureSupplySchema)
    annex = fields.List(fields.Nested(AnnexSchema))
