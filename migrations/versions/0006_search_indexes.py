"""Search of the exchange: one covering index of the facts a search filters, counts and sorts
on, in place of the (status, latitude, longitude) index it extends

The radius box stays a range on the leading columns (status, pickup_latitude,
pickup_longitude); the other columns let a search without words read the index alone
(SQLite always, PostgreSQL as an index-only scan) instead of the wide listing rows.

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-27 11:30:00.000000

0006 revises 0007 only because 0007 (metrics) was written against 0005 first: the two touch
different tables, and this keeps one head.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = ['status', 'pickup_latitude', 'pickup_longitude', 'available_until', 'available_from',
           'cpv_code', 'material_family', 'condition', 'city', 'quantity_available',
           'price_basis', 'price_eur', 'published_at', 'co2_avoided_kg', 'id']


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_search_facts', COLUMNS, unique=False)
        batch_op.drop_index('ix_listings_status_lat_lon')


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_status_lat_lon',
                              ['status', 'pickup_latitude', 'pickup_longitude'], unique=False)
        batch_op.drop_index('ix_listings_search_facts')
