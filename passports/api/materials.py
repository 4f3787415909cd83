"""The material library: everyone reads it, admins edit it."""

from app.auth.decorators import api_login_required
from app.auth.decorators import roles_required
from app.extensions import db
from app.pagination import paginated
from passports import queries
from passports import services
from passports.api.blueprint import blp
from passports.models import Material
from passports.schemas import MaterialCreateSchema
from passports.schemas import MaterialQueryArgs
from passports.schemas import MaterialSchema
from passports.schemas import MaterialUpdateSchema


@blp.route("/materials", methods=["GET"])
@api_login_required
@paginated(blp, MaterialSchema, MaterialQueryArgs)
def list_materials(args):
    """The material library, searchable by name and alias."""
    return queries.materials_query(**args)


@blp.route("/materials", methods=["POST"])
@api_login_required
@roles_required("admin")
@blp.arguments(MaterialCreateSchema)
@blp.response(201, MaterialSchema)
def create_material(data):
    """Add a material (admins)."""
    material = services.create_material(data)
    db.session.commit()
    return material


@blp.route("/materials/<int:material_id>", methods=["GET"])
@api_login_required
@blp.response(200, MaterialSchema)
def get_material(material_id):
    """One material."""
    return db.get_or_404(Material, material_id)


@blp.route("/materials/<int:material_id>", methods=["PATCH"])
@api_login_required
@roles_required("admin")
@blp.arguments(MaterialUpdateSchema(partial=True))
@blp.response(200, MaterialSchema)
def update_material(data, material_id):
    """Edit a material (admins)."""
    material = services.update_material(db.get_or_404(Material, material_id), data)
    db.session.commit()
    return material
