"""The exchange: listings, reservations, saved searches, inbox; hazard clearances; lot splits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:50:05.210839

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cpv_code', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('quantity_available', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('price_eur', sa.Float(), nullable=True),
    sa.Column('price_basis', sa.String(length=12), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=True),
    sa.Column('available_until', sa.Date(), nullable=True),
    sa.Column('future_stock', sa.Boolean(), nullable=False),
    sa.Column('pickup_address', sa.String(length=300), nullable=False),
    sa.Column('pickup_latitude', sa.Float(), nullable=True),
    sa.Column('pickup_longitude', sa.Float(), nullable=True),
    sa.Column('condition', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('material_family', sa.String(length=20), nullable=True),
    sa.Column('materials_text', sa.Text(), nullable=False),
    sa.Column('manufacturer', sa.String(length=200), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=True),
    sa.Column('co2_avoided_kg', sa.Float(), nullable=True),
    sa.Column('search_vector', postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("material_family IS NULL OR material_family IN ('masonry', 'concrete', 'steel', 'aluminium', 'copper', 'metals_other', 'timber', 'glass', 'insulation', 'gypsum', 'ceramics', 'stone', 'plastics', 'bitumen', 'mortar', 'other')", name=op.f('ck_listings_family')),
    sa.CheckConstraint("price_basis IN ('fixed', 'free', 'on_request')", name=op.f('ck_listings_price_basis')),
    sa.CheckConstraint("status IN ('draft', 'published', 'sold_out', 'withdrawn', 'expired')", name=op.f('ck_listings_status')),
    sa.CheckConstraint("unit IN ('pcs', 'm', 'm2', 'm3', 'kg', 't')", name=op.f('ck_listings_unit')),
    sa.CheckConstraint('condition IS NULL OR (condition BETWEEN 1 AND 5)', name=op.f('ck_listings_condition')),
    sa.CheckConstraint('price_eur IS NULL OR price_eur >= 0', name=op.f('ck_listings_price')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_listings_quantity_not_negative')),
    sa.CheckConstraint('quantity_available >= 0 AND quantity_available <= quantity', name=op.f('ck_listings_available')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_listings_building_id_buildings')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_listings_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_listings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listings_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_listings_status_available_from', ['status', 'available_from'], unique=False)
        batch_op.create_index('ix_listings_status_cpv', ['status', 'cpv_code'], unique=False)
        batch_op.create_index('ix_listings_status_lat_lon', ['status', 'pickup_latitude', 'pickup_longitude'], unique=False)

    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('listing_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_listing_components_component_id_components')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_components_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_components')),
    sa.UniqueConstraint('listing_id', 'component_id', name='listing_component')
    )
    with op.batch_alter_table('listing_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_components_component_id'), ['component_id'], unique=False)

    op.create_table('listing_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_photos_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_listing_photos_stored_name'))
    )
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_photos_listing_id'), ['listing_id'], unique=False)

    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('buyer_organisation_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('destination_building_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=True),
    sa.Column('co2_avoided_kg', sa.Float(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('collected_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'accepted', 'rejected', 'cancelled', 'collected')", name=op.f('ck_reservations_status')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_reservations_quantity_positive')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_reservations_buyer_id_users')),
    sa.ForeignKeyConstraint(['buyer_organisation_id'], ['organisations.id'], name=op.f('fk_reservations_buyer_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['destination_building_id'], ['buildings.id'], name=op.f('fk_reservations_destination_building_id_buildings')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_reservations_listing_id_listings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservations_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservations_buyer_organisation_id'), ['buyer_organisation_id'], unique=False)
        batch_op.create_index('ix_reservations_listing_status', ['listing_id', 'status'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('saved_search_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_notifications_listing_id_listings')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_notifications_reservation_id_reservations')),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'], name=op.f('fk_notifications_saved_search_id_saved_searches')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('component_hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cleared_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('clearance_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_component_hazards_cleared_by_id_users'), 'users', ['cleared_by_id'], ['id'])

    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_components_split_from_id_components'), 'components', ['split_from_id'], ['id'])

    # Full-text search, written by hand: autogenerate knows neither FTS5 nor GIN on tsvector.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_listings_search_vector", "listings", ["search_vector"],
                        postgresql_using="gin")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE listing_search USING fts5("
            "title, description, materials, manufacturer, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_listings_search_vector", table_name="listings")
    else:
        op.execute("DROP TABLE IF EXISTS listing_search")
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_components_split_from_id_components'), type_='foreignkey')
        batch_op.drop_column('split_from_id')

    with op.batch_alter_table('component_hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_component_hazards_cleared_by_id_users'), type_='foreignkey')
        batch_op.drop_column('clearance_note')
        batch_op.drop_column('cleared_by_id')
        batch_op.drop_column('cleared_at')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_reservations_listing_status')
        batch_op.drop_index(batch_op.f('ix_reservations_buyer_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_reservations_buyer_id'))

    op.drop_table('reservations')
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_photos_listing_id'))

    op.drop_table('listing_photos')
    with op.batch_alter_table('listing_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_components_component_id'))

    op.drop_table('listing_components')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))

    op.drop_table('saved_searches')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_status_lat_lon')
        batch_op.drop_index('ix_listings_status_cpv')
        batch_op.drop_index('ix_listings_status_available_from')
        batch_op.drop_index(batch_op.f('ix_listings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_listings_building_id'))

    op.drop_table('listings')
