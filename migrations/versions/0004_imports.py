"""Bulk import: external ids and import flags on components, material mappings, import runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('csv', 'xlsx', 'ifc')", name=op.f('ck_import_runs_kind')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_import_runs_building_id_buildings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_runs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_runs_building_id'), ['building_id'], unique=False)

    op.create_table('material_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_material_mappings_created_by_id_users')),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_material_mappings_material_id_materials')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_material_mappings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_mappings')),
    sa.UniqueConstraint('organisation_id', 'source_key', name=op.f('uq_material_mappings_organisation_id'))
    )
    with op.batch_alter_table('material_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_mappings_material_id'), ['material_id'], unique=False)

    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ifc_class', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('import_source', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('data_complete', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_unique_constraint('uq_components_building_external_id', ['building_id', 'external_id'])


def downgrade():
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_constraint('uq_components_building_external_id', type_='unique')
        batch_op.drop_column('data_complete')
        batch_op.drop_column('import_source')
        batch_op.drop_column('external_id')
        batch_op.drop_column('ifc_class')

    with op.batch_alter_table('material_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_mappings_material_id'))

    op.drop_table('material_mappings')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_runs_building_id'))

    op.drop_table('import_runs')
