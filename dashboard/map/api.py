"""REST API of the map: clusters and features in a bounding box."""

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE

from dashboard.map import queries
from dashboard.map.schemas import ClusterArgs
from dashboard.map.schemas import MapSchema
from marketplace.api import open_to_visitors

blp = Blueprint("map_api", __name__, description="The map: clusters and features by bounding box")


@blp.route("/map/clusters", methods=["GET"])
@open_to_visitors
@blp.doc(security=[{}, {"bearerAuth": []}])
@blp.arguments(ClusterArgs, location="query", unknown=RAISE)
@blp.response(200, MapSchema)
def clusters(args):
    """Clusters of a bounding box at a zoom (count, centroid, estimated and surveyed mass,
    counts per layer), or from zoom 15 on the single features when there are at most 1,000.
    Layers: `register` (the caller's organisation's register; admins: all), `buildings`
    (passports the caller may read), `listings` (published), `wanted` (open requests);
    visitors get the last two. A box may span at most 256 tiles of its zoom (422 otherwise)."""
    # Written straight to JSON (the schema documents it): a map asks at every move.
    return jsonify(queries.map_data(current_user, args))
