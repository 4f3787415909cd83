"""Search of the exchange: a covering index of the facts a search filters, counts and sorts on

With it a search without words (filters, a radius, facet counts) reads the index alone, on
SQLite always and on PostgreSQL as an index-only scan, instead of the wide listing rows. The
radius box is a range on its leading columns (status, pickup_latitude, pickup_longitude).
The narrow (status, pickup_latitude, pickup_longitude) index of 0005 stays: PostgreSQL ANDs
its small bitmap with the full-text one when a search has words.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:30:00.000000
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ['status', 'pickup_latitude', 'pickup_longitude', 'available_until', 'available_from',
           'cpv_code', 'material_family', 'condition', 'city', 'quantity_available',
           'price_basis', 'price_eur', 'published_at', 'co2_avoided_kg', 'id']


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_search_facts', COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_search_facts')
