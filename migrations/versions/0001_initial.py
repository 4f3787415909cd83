"""Accounts, material library, buildings, components

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 10:06:24.635477

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('family', sa.String(length=20), nullable=False),
    sa.Column('density_kg_m3', sa.Float(), nullable=False),
    sa.Column('carbon_a1a3', sa.Float(), nullable=False),
    sa.Column('carbon_source', sa.Text(), nullable=False),
    sa.Column('cpv_code', sa.String(length=10), nullable=False),
    sa.Column('reference_service_life_years', sa.Integer(), nullable=True),
    sa.Column('reprocessing_kgco2e_per_kg', sa.Float(), nullable=False),
    sa.Column('reprocessing_source', sa.Text(), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("family IN ('masonry', 'concrete', 'steel', 'aluminium', 'copper', 'metals_other', 'timber', 'glass', 'insulation', 'gypsum', 'ceramics', 'stone', 'plastics', 'bitumen', 'mortar', 'other')", name=op.f('ck_materials_family')),
    sa.CheckConstraint('carbon_a1a3 >= 0', name=op.f('ck_materials_carbon_not_negative')),
    sa.CheckConstraint('density_kg_m3 > 0', name=op.f('ck_materials_density_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials')),
    sa.UniqueConstraint('slug', name=op.f('uq_materials_slug'))
    )
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_materials_family'), ['family'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('municipality', 'company', 'contractor', 'dealer')", name=op.f('ck_organisations_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('buildings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('gross_floor_area_m2', sa.Float(), nullable=True),
    sa.Column('use_type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('in_use', 'renovation_planned', 'demolition_planned', 'demolished')", name=op.f('ck_buildings_status')),
    sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_buildings_lat')),
    sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_buildings_lon')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_buildings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buildings'))
    )
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buildings_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_buildings_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'owner', 'contractor', 'buyer')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('building_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_building_access_building_id_buildings')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_building_access_granted_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_building_access_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building_access')),
    sa.UniqueConstraint('building_id', 'organisation_id', name='building_org')
    )
    with op.batch_alter_table('building_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_access_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_building_access_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('storey', sa.String(length=100), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('volume_m3', sa.Float(), nullable=True),
    sa.Column('mass_kg', sa.Float(), nullable=True),
    sa.Column('mass_source', sa.String(length=10), nullable=False),
    sa.Column('mass_derivation', sa.String(length=500), nullable=False),
    sa.Column('condition', sa.Integer(), nullable=True),
    sa.Column('connection_type', sa.String(length=20), nullable=True),
    sa.Column('install_year', sa.Integer(), nullable=True),
    sa.Column('service_life_years', sa.Integer(), nullable=True),
    sa.Column('recycled_content', sa.Float(), nullable=False),
    sa.Column('reused_content', sa.Float(), nullable=False),
    sa.Column('manufacturer', sa.String(length=200), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('serial_number', sa.String(length=40), nullable=True),
    sa.Column('ifc_guid', sa.String(length=22), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reuse_cycles', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('installed', 'to_harvest', 'harvested', 'in_storage', 'listed', 'reserved', 'transferred', 'reinstalled', 'disposed')", name=op.f('ck_components_status')),
    sa.CheckConstraint("unit IN ('pcs', 'm', 'm2', 'm3', 'kg', 't')", name=op.f('ck_components_unit')),
    sa.CheckConstraint('condition IS NULL OR (condition BETWEEN 1 AND 5)', name=op.f('ck_components_condition')),
    sa.CheckConstraint('mass_kg IS NULL OR mass_kg >= 0', name=op.f('ck_components_mass_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_components_quantity_positive')),
    sa.CheckConstraint('recycled_content + reused_content <= 1.000001', name=op.f('ck_components_feedstock')),
    sa.CheckConstraint('recycled_content >= 0 AND recycled_content <= 1', name=op.f('ck_components_recycled')),
    sa.CheckConstraint('reused_content >= 0 AND reused_content <= 1', name=op.f('ck_components_reused')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_components_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_components')),
    sa.UniqueConstraint('tag', name=op.f('uq_components_tag'))
    )
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_components_building_id'), ['building_id'], unique=False)
        batch_op.create_index('ix_components_building_status', ['building_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_components_gtin'), ['gtin'], unique=False)
        batch_op.create_index(batch_op.f('ix_components_ifc_guid'), ['ifc_guid'], unique=False)

    op.create_table('component_hazards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('asbestos', 'pcb', 'lead', 'other')", name=op.f('ck_component_hazards_kind')),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_component_hazards_component_id_components'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_hazards'))
    )
    with op.batch_alter_table('component_hazards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_hazards_component_id'), ['component_id'], unique=False)

    op.create_table('component_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.Float(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=True),
    sa.CheckConstraint('fraction > 0 AND fraction <= 1', name=op.f('ck_component_materials_fraction')),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_component_materials_component_id_components'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_component_materials_material_id_materials')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_materials')),
    sa.UniqueConstraint('component_id', 'material_id', name='component_material')
    )
    with op.batch_alter_table('component_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_materials_component_id'), ['component_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_materials_material_id'), ['material_id'], unique=False)



def downgrade():
    with op.batch_alter_table('component_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_materials_material_id'))
        batch_op.drop_index(batch_op.f('ix_component_materials_component_id'))

    op.drop_table('component_materials')
    with op.batch_alter_table('component_hazards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_hazards_component_id'))

    op.drop_table('component_hazards')
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_components_ifc_guid'))
        batch_op.drop_index(batch_op.f('ix_components_gtin'))
        batch_op.drop_index('ix_components_building_status')
        batch_op.drop_index(batch_op.f('ix_components_building_id'))

    op.drop_table('components')
    with op.batch_alter_table('building_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_access_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_building_access_building_id'))

    op.drop_table('building_access')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buildings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_buildings_city'))

    op.drop_table('buildings')
    op.drop_table('organisations')
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_materials_family'))

    op.drop_table('materials')
