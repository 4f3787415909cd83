"""The exchange's demand side

- components and listings carry one element's measures (width_mm, height_mm, depth_mm,
  length_mm) and mass (unit_mass_kg), positive where given; listings their lot's category;
- wanted_requests: what a buyer's project needs, open → fulfilled | withdrawn | expired;
- bundles: a lot gathered across sellers, whose parts are reservations (reservations.bundle_id,
  and replaces_id for a part that replaced a rejected one);
- listings.wanted_request_id: a lot offered for a request;
- notifications name the request, bundle or building they are about;
- account_requests: a visitor's request for an account, for the admins.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_requests'))
    )
    op.create_table('wanted_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cpv_prefix', sa.String(length=10), nullable=True),
    sa.Column('material_family', sa.String(length=20), nullable=True),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('width_mm', sa.Float(), nullable=True),
    sa.Column('height_mm', sa.Float(), nullable=True),
    sa.Column('depth_mm', sa.Float(), nullable=True),
    sa.Column('length_mm', sa.Float(), nullable=True),
    sa.Column('tolerance_mm', sa.Float(), nullable=False),
    sa.Column('condition_min', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('radius_km', sa.Float(), nullable=True),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('max_price_eur', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("material_family IS NULL OR material_family IN ('masonry', 'concrete', 'steel', 'aluminium', 'copper', 'metals_other', 'timber', 'glass', 'insulation', 'gypsum', 'ceramics', 'stone', 'plastics', 'bitumen', 'mortar', 'other')", name=op.f('ck_wanted_requests_family')),
    sa.CheckConstraint("status IN ('open', 'fulfilled', 'withdrawn', 'expired')", name=op.f('ck_wanted_requests_status')),
    sa.CheckConstraint("unit IN ('pcs', 'm', 'm2', 'm3', 'kg', 't')", name=op.f('ck_wanted_requests_unit')),
    sa.CheckConstraint('(width_mm IS NULL OR width_mm > 0) AND (height_mm IS NULL OR height_mm > 0) AND (depth_mm IS NULL OR depth_mm > 0) AND (length_mm IS NULL OR length_mm > 0)', name=op.f('ck_wanted_requests_dimensions')),
    sa.CheckConstraint('condition_min IS NULL OR (condition_min BETWEEN 1 AND 5)', name=op.f('ck_wanted_requests_condition')),
    sa.CheckConstraint('max_price_eur IS NULL OR max_price_eur >= 0', name=op.f('ck_wanted_requests_price')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_wanted_requests_quantity_positive')),
    sa.CheckConstraint('radius_km IS NULL OR (latitude IS NOT NULL AND longitude IS NOT NULL)', name=op.f('ck_wanted_requests_radius_needs_location')),
    sa.CheckConstraint('tolerance_mm >= 0', name=op.f('ck_wanted_requests_tolerance')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_wanted_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_wanted_requests_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wanted_requests'))
    )
    with op.batch_alter_table('wanted_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wanted_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_wanted_requests_status_needed_by', ['status', 'needed_by'], unique=False)

    op.create_table('bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('buyer_organisation_id', sa.Integer(), nullable=False),
    sa.Column('wanted_request_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('destination_building_id', sa.Integer(), nullable=True),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_bundles_quantity_positive')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_bundles_buyer_id_users')),
    sa.ForeignKeyConstraint(['buyer_organisation_id'], ['organisations.id'], name=op.f('fk_bundles_buyer_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['destination_building_id'], ['buildings.id'], name=op.f('fk_bundles_destination_building_id_buildings')),
    sa.ForeignKeyConstraint(['wanted_request_id'], ['wanted_requests.id'], name=op.f('fk_bundles_wanted_request_id_wanted_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundles'))
    )
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundles_buyer_organisation_id'), ['buyer_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bundles_wanted_request_id'), ['wanted_request_id'], unique=False)

    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('height_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('depth_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('length_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('unit_mass_kg', sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_components_dimensions'),
            '(width_mm IS NULL OR width_mm > 0) AND (height_mm IS NULL OR height_mm > 0) AND '
            '(depth_mm IS NULL OR depth_mm > 0) AND (length_mm IS NULL OR length_mm > 0) AND '
            '(unit_mass_kg IS NULL OR unit_mass_kg > 0)',
        )

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('width_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('height_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('depth_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('length_mm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('unit_mass_kg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('wanted_request_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_listings_wanted_request_id'), ['wanted_request_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_listings_wanted_request_id_wanted_requests'), 'wanted_requests', ['wanted_request_id'], ['id'])

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wanted_request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bundle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('building_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_wanted_request_id_wanted_requests'), 'wanted_requests', ['wanted_request_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_notifications_bundle_id_bundles'), 'bundles', ['bundle_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_notifications_building_id_buildings'), 'buildings', ['building_id'], ['id'])

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bundle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reservations_bundle_id'), ['bundle_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reservations_replaces_id_reservations'), 'reservations', ['replaces_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reservations_bundle_id_bundles'), 'bundles', ['bundle_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reservations_bundle_id_bundles'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reservations_replaces_id_reservations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reservations_bundle_id'))
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('bundle_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_building_id_buildings'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_bundle_id_bundles'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_wanted_request_id_wanted_requests'), type_='foreignkey')
        batch_op.drop_column('building_id')
        batch_op.drop_column('bundle_id')
        batch_op.drop_column('wanted_request_id')

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_listings_wanted_request_id_wanted_requests'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_listings_wanted_request_id'))
        batch_op.drop_column('wanted_request_id')
        batch_op.drop_column('unit_mass_kg')
        batch_op.drop_column('length_mm')
        batch_op.drop_column('depth_mm')
        batch_op.drop_column('height_mm')
        batch_op.drop_column('width_mm')
        batch_op.drop_column('category')

    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_components_dimensions'), type_='check')
        batch_op.drop_column('unit_mass_kg')
        batch_op.drop_column('length_mm')
        batch_op.drop_column('depth_mm')
        batch_op.drop_column('height_mm')
        batch_op.drop_column('width_mm')

    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundles_wanted_request_id'))
        batch_op.drop_index(batch_op.f('ix_bundles_buyer_organisation_id'))

    op.drop_table('bundles')
    with op.batch_alter_table('wanted_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_wanted_requests_status_needed_by')
        batch_op.drop_index(batch_op.f('ix_wanted_requests_organisation_id'))

    op.drop_table('wanted_requests')
    op.drop_table('account_requests')
