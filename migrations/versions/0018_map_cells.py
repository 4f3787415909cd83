"""Map cells

- map_cells: each organisation's register buildings aggregated per map cell and zoom (count,
  coordinate sums, estimated mass in all and by family, by planned demolition and surveyed), read by the map's
  clusters instead of the register's rows.
- map_grid_states: which state of the register (its latest write) the cells were made from.
- ix_register_buildings_org_updated: finds that latest write without reading the register;
  ix_register_buildings_updated: the latest write of all registers (the urban mine's cache).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 20:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('map_cells',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('zoom', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cx', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cy', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('demolition', sa.Boolean(), nullable=False),
    sa.Column('surveyed', sa.Boolean(), nullable=False),
    sa.Column('building_count', sa.Integer(), nullable=False),
    sa.Column('sum_latitude', sa.Float(), nullable=False),
    sa.Column('sum_longitude', sa.Float(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=False),
    sa.Column('families', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_map_cells_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'zoom', 'cx', 'cy', 'demolition', 'surveyed', name=op.f('pk_map_cells'))
    )
    op.create_table('map_grid_states',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_map_grid_states_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_map_grid_states'))
    )
    with op.batch_alter_table('register_buildings', schema=None) as batch_op:
        batch_op.create_index('ix_register_buildings_org_updated', ['organisation_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_register_buildings_updated', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('register_buildings', schema=None) as batch_op:
        batch_op.drop_index('ix_register_buildings_updated')
        batch_op.drop_index('ix_register_buildings_org_updated')
    op.drop_table('map_grid_states')
    op.drop_table('map_cells')
