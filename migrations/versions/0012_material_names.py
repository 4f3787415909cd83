"""Material names in every shipped language

- materials.names: the material's name in each shipped language but English, as a JSON object
  ({"nl": "Baksteen", "da": "Mursten", "ja": "レンガ", ...}); `name` stays the English one.
  `flask passports load-materials` fills it from passports/data/material_names.csv, and adds
  each language's names and words to the aliases.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('names', sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_column('names')
