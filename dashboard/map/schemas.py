"""The map API's query arguments and answer."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.schema_fields import InputSchema
from dashboard.map.grid import MAX_ZOOM
from dashboard.map.grid import tiles_spanned
from dashboard.map.queries import LAYERS
from passports.models.vocab import BUILDING_STATUSES
from passports.models.vocab import MATERIAL_FAMILIES

# A request covers at most this many 256-pixel tiles of its zoom: a 4K screen shows about 130,
# so a map always fits; a request for a continent at street zoom does not.
MAX_TILES = 256


_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
_BBOX_PATTERN = f"^{_NUMBER}(,{_NUMBER}){{3}}$"


class BoundingBox(fields.Field):
    """ "west,south,east,north" in WGS 84 degrees, west < east and south < north (a box across
    the antimeridian is asked as two)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = str(value).split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise ValidationError(
                str(_l("Four numbers: west,south,east,north in degrees."))
            ) from None
        if not all(-180 <= v <= 180 for v in (west, east)) or not all(
            -90 <= v <= 90 for v in (south, north)
        ):
            raise ValidationError(
                str(_l("Longitudes lie from -180 to 180, latitudes from -90 to 90."))
            )
        if west >= east or south >= north:
            raise ValidationError(str(_l("West must be less than east and south less than north.")))
        return (west, south, east, north)


class Layers(fields.Field):
    """Comma-separated layer names."""

    def _deserialize(self, value, attr, data, **kwargs):
        names = [n.strip() for n in str(value).split(",") if n.strip()]
        unknown = [n for n in names if n not in LAYERS]
        if unknown or not names:
            raise ValidationError(str(_l("Choose from: %(layers)s.", layers=", ".join(LAYERS))))
        return tuple(dict.fromkeys(names))


class ClusterArgs(InputSchema):
    """Where and what: the box and zoom of the map, the layers, a family and a status."""

    bbox = BoundingBox(
        required=True,
        metadata={
            "description": (
                "west,south,east,north in WGS 84 degrees, west < east and south < north, "
                f"covering at most {MAX_TILES} map tiles of the zoom"
            ),
            "type": "string",
            "pattern": _BBOX_PATTERN,
        },
    )
    zoom = fields.Integer(required=True, strict=False, validate=validate.Range(0, MAX_ZOOM))
    layers = Layers(
        metadata={
            "description": f"comma-separated, of {', '.join(LAYERS)} (default: all)",
            "type": "string",
            "pattern": f"^({'|'.join(LAYERS)})(,({'|'.join(LAYERS)}))*$",
        }
    )
    family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))
    status = fields.String(validate=validate.OneOf(BUILDING_STATUSES))

    @validates_schema
    def _box_fits_zoom(self, data, **kwargs):
        if "bbox" not in data or "zoom" not in data:
            return
        if tiles_spanned(*data["bbox"], data["zoom"]) > MAX_TILES:
            raise ValidationError(
                str(
                    _l(
                        "Too large for zoom %(zoom)s: at most %(tiles)s map tiles of that "
                        "zoom; zoom out or ask for a smaller box.",
                        zoom=data["zoom"],
                        tiles=MAX_TILES,
                    )
                ),
                "bbox",
            )


class LayerCountsSchema(Schema):
    register = fields.Integer()
    surveyed = fields.Integer(metadata={"description": "register buildings with a passport"})
    buildings = fields.Integer()
    listings = fields.Integer()
    wanted = fields.Integer()


class ClusterSchema(Schema):
    latitude = fields.Float()
    longitude = fields.Float()
    count = fields.Integer()
    mass_kg = fields.Float(metadata={"description": "estimated mass of its register buildings"})
    surveyed_mass_kg = fields.Float(metadata={"description": "mass in its passport buildings"})
    layers = fields.Nested(LayerCountsSchema)
    bbox = fields.List(fields.Float(), metadata={"description": "the cell: west,south,east,north"})


class FeatureSchema(Schema):
    kind = fields.String(metadata={"description": ", ".join(LAYERS)})
    id = fields.Integer()
    latitude = fields.Float()
    longitude = fields.Float()
    mass_kg = fields.Float(allow_none=True)
    surveyed = fields.Boolean()


class MapSchema(Schema):
    zoom = fields.Integer()
    mode = fields.String(metadata={"description": "clusters or features"})
    cell_zoom = fields.Integer(metadata={"description": "the zoom whose cells the clusters are"})
    clusters = fields.List(fields.Nested(ClusterSchema))
    features = fields.List(fields.Nested(FeatureSchema))
