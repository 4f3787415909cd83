"""Covering index for the overview, no redundant indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:44:54.961987

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('component_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_materials_component_id'))
        batch_op.create_index('ix_component_materials_cover', ['component_id', 'material_id', 'mass_kg'], unique=False)

    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_components_building_id'))



def downgrade():
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_components_building_id'), ['building_id'], unique=False)

    with op.batch_alter_table('component_materials', schema=None) as batch_op:
        batch_op.drop_index('ix_component_materials_cover')
        batch_op.create_index(batch_op.f('ix_component_materials_component_id'), ['component_id'], unique=False)

