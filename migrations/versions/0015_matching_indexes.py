"""Matching wanted requests: indexes for the listings and the future stock a request asks for

- listings: published, by unit and pickup box, with the measures, family, CPV code and
  condition in the index, so that only the lots that fit are read;
- components: of a building, by status and unit, with the measures, condition and archive
  stamp in the index, so that a building due for demolition yields only its fitting rows;
- buildings: by status and coordinates (the buildings due for demolition near a request).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:40:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LISTINGS = ['status', 'unit', 'pickup_latitude', 'pickup_longitude', 'width_mm', 'height_mm',
            'length_mm', 'depth_mm', 'material_family', 'cpv_code', 'condition']
COMPONENTS = ['building_id', 'status', 'unit', 'archived_at', 'width_mm', 'height_mm',
              'length_mm', 'depth_mm', 'condition']


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_matching', LISTINGS, unique=False)
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.create_index('ix_components_matching', COMPONENTS, unique=False)
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.create_index(
            'ix_buildings_status_lat_lon', ['status', 'latitude', 'longitude'], unique=False
        )


def downgrade():
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index('ix_buildings_status_lat_lon')
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_index('ix_components_matching')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_matching')
