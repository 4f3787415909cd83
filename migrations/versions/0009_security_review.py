"""Security review: login generations, token expiry, one component per GS1 link, imported
history marked as such, and the components each collected reservation moved

- users.session_generation: part of every session cookie; logout and a password change
  increase it, so older cookies stop working.
- api_tokens.expires_at: a token may be given an end.
- components (gtin, serial_number) unique, with GTINs stored as 14 digits: a later
  registration can no longer take over a printed /01/<gtin>/21/<serial> link.
- component_events.imported: events copied from another instance's passport are history,
  never this instance's own transfers.
- reservation_components: what a collection moved, as rows rather than a note's wording.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _normalise_gtins():
    """Store every GTIN as 14 digits; refuse to go on when two components then share a link."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, tag, gtin, serial_number FROM components WHERE gtin IS NOT NULL"
    )).all()
    seen = {}
    clashes = []
    for row in rows:
        gtin = row.gtin.strip()
        padded = gtin.zfill(14) if gtin.isdigit() and len(gtin) < 14 else gtin
        if padded != row.gtin:
            conn.execute(
                sa.text("UPDATE components SET gtin = :gtin WHERE id = :id"),
                {"gtin": padded, "id": row.id},
            )
        if row.serial_number is not None:
            key = (padded, row.serial_number)
            if key in seen:
                clashes.append(f"{seen[key]} and {row.tag} (GTIN {padded}, serial {row.serial_number})")
            seen.setdefault(key, row.tag)
    if clashes:
        raise RuntimeError(
            "These components share a GS1 link (GTIN and serial number); give one of each pair "
            "another serial number, then migrate again: " + "; ".join(clashes)
        )


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))

    _normalise_gtins()
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_components_gtin_serial_number', ['gtin', 'serial_number'])

    with op.batch_alter_table('component_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('reservation_components',
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_reservation_components_component_id_components')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_reservation_components_reservation_id_reservations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reservation_id', 'component_id', name=op.f('pk_reservation_components'))
    )


def downgrade():
    op.drop_table('reservation_components')
    with op.batch_alter_table('component_events', schema=None) as batch_op:
        batch_op.drop_column('imported')
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_constraint('uq_components_gtin_serial_number', type_='unique')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
