"""Component events and photos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:17:24.437065

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('component_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('status_before', sa.String(length=16), nullable=False),
    sa.Column('status_after', sa.String(length=16), nullable=False),
    sa.Column('condition', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('from_location', sa.String(length=300), nullable=False),
    sa.Column('to_location', sa.String(length=300), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('disposal_route', sa.String(length=12), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("disposal_route IS NULL OR disposal_route IN ('recycled', 'incinerated', 'landfilled')", name=op.f('ck_component_events_route')),
    sa.CheckConstraint("kind IN ('inspected', 'dismantled', 'stored', 'transported', 'reinstalled', 'disposed', 'note', 'status_changed', 'transferred')", name=op.f('ck_component_events_kind')),
    sa.CheckConstraint("status_after IN ('installed', 'to_harvest', 'harvested', 'in_storage', 'listed', 'reserved', 'transferred', 'reinstalled', 'disposed')", name=op.f('ck_component_events_status_after')),
    sa.CheckConstraint('condition IS NULL OR (condition BETWEEN 1 AND 5)', name=op.f('ck_component_events_condition')),
    sa.CheckConstraint('distance_km IS NULL OR distance_km >= 0', name=op.f('ck_component_events_distance')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_component_events_building_id_buildings')),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_component_events_component_id_components')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_component_events_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_component_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_events')),
    sa.UniqueConstraint('user_id', 'idempotency_key', name='user_idempotency_key')
    )
    with op.batch_alter_table('component_events', schema=None) as batch_op:
        batch_op.create_index('ix_component_events_component_occurred', ['component_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_events_user_id'), ['user_id'], unique=False)

    op.create_table('event_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['component_events.id'], name=op.f('fk_event_photos_event_id_component_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_event_photos_stored_name'))
    )
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_photos_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_photos_event_id'))

    op.drop_table('event_photos')
    with op.batch_alter_table('component_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_events_user_id'))
        batch_op.drop_index('ix_component_events_component_occurred')

    op.drop_table('component_events')
