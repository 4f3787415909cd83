"""A search by measures reads the covering index too: width, height, depth and length join
the facts of ix_listings_search_facts

Measured on 100,000 listings (SQLite, bench.search_data, 60% with measures): the bench's
searches without words plus `width_mm=830&height_mm=2110&tolerance_mm=10` took p50 110-300 ms
and p95 245-555 ms when the index lacked the measures (each candidate row read from the
table), and p50 53 ms, p95 87-94 ms with them; searches without measures did not get slower.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:20:00.000000
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BEFORE = ['status', 'pickup_latitude', 'pickup_longitude', 'available_until', 'available_from',
          'cpv_code', 'material_family', 'condition', 'city', 'quantity_available',
          'price_basis', 'price_eur', 'published_at', 'co2_avoided_kg', 'id']
AFTER = [*BEFORE[:-1], 'width_mm', 'height_mm', 'depth_mm', 'length_mm', 'id']


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_search_facts')
        batch_op.create_index('ix_listings_search_facts', AFTER, unique=False)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_search_facts')
        batch_op.create_index('ix_listings_search_facts', BEFORE, unique=False)
