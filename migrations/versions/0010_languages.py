"""Languages: each user's chosen language and time zone

- users.locale: the language the user chose with the switcher (null follows the browser).
- users.timezone: the IANA zone times are shown in (null: the instance's DEFAULT_TIMEZONE).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 05:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')
        batch_op.drop_column('locale')
