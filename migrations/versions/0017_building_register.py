"""Building register

- register_buildings: a city's building register (the urban mine's estimate layer), one row per
  register entry, unique by (organisation, register id), with the material intensity cell and
  the estimated mass and carbon stored for the dashboard and the map.
- buildings.register_id: a passport building's id in its city's register.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 20:03:22.517231
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_buildings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('use_type', sa.String(length=20), nullable=False),
    sa.Column('structure', sa.String(length=20), nullable=False),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('gross_floor_area_m2', sa.Float(), nullable=True),
    sa.Column('footprint_m2', sa.Float(), nullable=True),
    sa.Column('storeys', sa.Float(), nullable=True),
    sa.Column('floor_area_m2', sa.Float(), nullable=True),
    sa.Column('planned_demolition', sa.Date(), nullable=True),
    sa.Column('intensity_key', sa.String(length=80), nullable=False),
    sa.Column('estimated_mass_kg', sa.Float(), nullable=True),
    sa.Column('estimated_carbon_kg', sa.Float(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('floor_area_m2 IS NULL OR floor_area_m2 >= 0', name=op.f('ck_register_buildings_floor_area')),
    sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_register_buildings_lat')),
    sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_register_buildings_lon')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_register_buildings_building_id_buildings')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_register_buildings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_buildings')),
    sa.UniqueConstraint('organisation_id', 'register_id', name=op.f('uq_register_buildings_organisation_id'))
    )
    with op.batch_alter_table('register_buildings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_buildings_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_buildings_city'), ['city'], unique=False)
        batch_op.create_index('ix_register_buildings_demolition', ['organisation_id', 'planned_demolition'], unique=False)
        batch_op.create_index('ix_register_buildings_lat_lon', ['latitude', 'longitude'], unique=False)
        batch_op.create_index('ix_register_buildings_org_key', ['organisation_id', 'intensity_key'], unique=False)

    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_buildings_register_id'), ['register_id'], unique=False)



def downgrade():
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buildings_register_id'))
        batch_op.drop_column('register_id')

    with op.batch_alter_table('register_buildings', schema=None) as batch_op:
        batch_op.drop_index('ix_register_buildings_org_key')
        batch_op.drop_index('ix_register_buildings_lat_lon')
        batch_op.drop_index('ix_register_buildings_demolition')
        batch_op.drop_index(batch_op.f('ix_register_buildings_city'))
        batch_op.drop_index(batch_op.f('ix_register_buildings_building_id'))

    op.drop_table('register_buildings')
