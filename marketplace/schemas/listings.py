"""Listings as buyers and sellers see them, and where a lot comes from."""

from flask import url_for
from marshmallow import Schema
from marshmallow import fields

from app.schema_fields import ModelSchema
from marketplace.models import Listing
from passports.cpv import cpv_label


class ProvenanceSchema(Schema):
    """Where a lot comes from."""

    building_id = fields.Integer()
    building = fields.String()
    city = fields.String()
    country = fields.String()
    year_built = fields.Integer(allow_none=True)
    owner = fields.String()
    components = fields.List(
        fields.Dict(),
        metadata={"description": "Each component: id, tag, name, tag_url (its passport)."},
    )


class ListingSchema(ModelSchema):
    """A listing as buyers see it."""

    class Meta(ModelSchema.Meta):
        model = Listing
        exclude = (
            "organisation_id",
            "building_id",
            "created_by_id",
            "materials_text",
            "search_vector",
            "updated_at",
            "created_at",
        )

    cpv_label = fields.Function(lambda obj: cpv_label(obj.cpv_code))
    materials = fields.String(attribute="materials_text")
    co2_avoided_kg = fields.Float(
        allow_none=True,
        metadata={
            "description": "A1-A3 of the same mass made new minus reprocessing, before transport."
        },
    )
    seller = fields.Function(lambda obj: obj.organisation.name)
    url = fields.Function(lambda obj: url_for("exchange.listing_detail", listing_id=obj.id))


class SearchResultSchema(ListingSchema):
    """A listing in search results, with distance, provenance and CO2 avoided from here."""

    distance_km = fields.Float(allow_none=True)
    co2_avoided_here_kg = fields.Float(
        allow_none=True, metadata={"description": "CO2 avoided less transport over distance_km."}
    )
    relevance = fields.Float(
        allow_none=True,
        metadata={
            "description": "The text match score (higher is better) when sorted by relevance; "
            "null for the other sorts."
        },
    )
    provenance = fields.Nested(ProvenanceSchema)
