"""Metrics: circularity inputs and stored results on components, passport snapshots, and the
per-building aggregates of the dashboards

Components already in the database have no stored results yet: run `flask dashboard refresh`
once after upgrading (the app keeps them current from then on).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eol_reuse_fraction', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('eol_recycle_fraction', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('accessibility', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('intersections', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('edge_enclosure', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('origin_tag_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('mci', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('disassembly_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('carbon_a1a3_kg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('metrics_quality', sa.String(length=8), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_components_end_of_life'),
            "(eol_reuse_fraction IS NULL OR (eol_reuse_fraction BETWEEN 0 AND 1)) AND "
            "(eol_recycle_fraction IS NULL OR (eol_recycle_fraction BETWEEN 0 AND 1)) AND "
            "(COALESCE(eol_reuse_fraction, 0) + COALESCE(eol_recycle_fraction, 0) <= 1.000001)")
        batch_op.create_check_constraint(
            op.f('ck_components_accessibility'),
            "accessibility IS NULL OR accessibility IN ('free', 'extra_actions', "
            "'repairable_damage', 'irreparable_damage')")
        batch_op.create_check_constraint(
            op.f('ck_components_intersections'),
            "intersections IS NULL OR intersections IN ('none', 'incidental', 'full')")
        batch_op.create_check_constraint(
            op.f('ck_components_edge_enclosure'),
            "edge_enclosure IS NULL OR edge_enclosure IN ('open', 'overlapping', 'one_side', "
            "'enclosed')")
        batch_op.create_check_constraint(
            op.f('ck_components_metrics_quality'),
            "metrics_quality IS NULL OR metrics_quality IN ('full', 'defaults', 'none')")

    op.create_table('passport_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('schema_version', sa.String(length=10), nullable=False),
    sa.Column('component_count', sa.Integer(), nullable=False),
    sa.Column('total_mass_kg', sa.Float(), nullable=False),
    sa.Column('mci', sa.Float(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_passport_snapshots_building_id_buildings')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_passport_snapshots_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passport_snapshots'))
    )
    with op.batch_alter_table('passport_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_passport_snapshots_building_created', ['building_id', 'created_at'], unique=False)

    op.create_table('building_metrics',
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('component_count', sa.Integer(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=False),
    sa.Column('components_without_mass', sa.Integer(), nullable=False),
    sa.Column('carbon_a1a3_kg', sa.Float(), nullable=False),
    sa.Column('mci_mass', sa.Float(), nullable=False),
    sa.Column('mci_basis_kg', sa.Float(), nullable=False),
    sa.Column('disassembly_mass', sa.Float(), nullable=False),
    sa.Column('disassembly_basis_kg', sa.Float(), nullable=False),
    sa.Column('full_kg', sa.Float(), nullable=False),
    sa.Column('defaults_kg', sa.Float(), nullable=False),
    sa.Column('none_kg', sa.Float(), nullable=False),
    sa.Column('unscored_count', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_building_metrics_building_id_buildings')),
    sa.PrimaryKeyConstraint('building_id', name=op.f('pk_building_metrics'))
    )
    op.create_table('building_metric_parts',
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('component_count', sa.Integer(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=False),
    sa.Column('carbon_a1a3_kg', sa.Float(), nullable=False),
    sa.CheckConstraint("dimension IN ('family', 'status')", name=op.f('ck_building_metric_parts_dimension')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_building_metric_parts_building_id_buildings')),
    sa.PrimaryKeyConstraint('building_id', 'dimension', 'key', name=op.f('pk_building_metric_parts'))
    )
    op.create_table('building_activity',
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_building_activity_building_id_buildings')),
    sa.PrimaryKeyConstraint('building_id', 'month', 'kind', name=op.f('pk_building_activity'))
    )


def downgrade():
    op.drop_table('building_activity')
    op.drop_table('building_metric_parts')
    op.drop_table('building_metrics')
    with op.batch_alter_table('passport_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_passport_snapshots_building_created')

    op.drop_table('passport_snapshots')
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_components_metrics_quality'), type_='check')
        batch_op.drop_constraint(op.f('ck_components_edge_enclosure'), type_='check')
        batch_op.drop_constraint(op.f('ck_components_intersections'), type_='check')
        batch_op.drop_constraint(op.f('ck_components_accessibility'), type_='check')
        batch_op.drop_constraint(op.f('ck_components_end_of_life'), type_='check')
        batch_op.drop_column('metrics_quality')
        batch_op.drop_column('carbon_a1a3_kg')
        batch_op.drop_column('disassembly_score')
        batch_op.drop_column('mci')
        batch_op.drop_column('origin_tag_url')
        batch_op.drop_column('edge_enclosure')
        batch_op.drop_column('intersections')
        batch_op.drop_column('accessibility')
        batch_op.drop_column('eol_recycle_fraction')
        batch_op.drop_column('eol_reuse_fraction')
