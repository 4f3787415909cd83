"""Kept IFC models

- import_runs.model_file: where the IFC model of a committed IFC import is kept, relative to
  the upload folder (content-addressed by its SHA-256, so a model uploaded twice is kept
  once); NULL for CSV and XLSX imports and for IFC imports made before models were kept.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_file', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_column('model_file')
