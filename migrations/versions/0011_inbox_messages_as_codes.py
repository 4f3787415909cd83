"""Inbox messages as codes: each notification is read in its reader's language

- notifications.params: the message's parameters (JSON); with `kind` as its code, the text is
  written out in the reader's language when read (marketplace.messages).
- Stored English messages of the one kind there is ("New on the exchange for “…”: … (…, …).")
  are turned into parameters; one that cannot be read keeps its text, shown as it is.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00.000000
"""
import re

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The text marketplace.alerts wrote until now (the quantity with :g, m2 and m3 as m² and m³).
_STORED = re.compile(
    r"^New on the exchange for “(?P<search>.*)”: (?P<title>.*) "
    r"\((?P<quantity>[-+0-9.e]+) (?P<unit>\S+), (?P<city>.*)\)\.$",
    re.DOTALL,
)
_UNITS = {"pcs": "pcs", "m": "m", "m²": "m2", "m2": "m2", "m³": "m3", "m3": "m3", "kg": "kg",
          "t": "t"}
_UNIT_SHOWN = {"m2": "m²", "m3": "m³"}

notifications = sa.table(
    'notifications',
    sa.column('id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('message', sa.String()),
    sa.column('params', sa.JSON()),
)


def _params(message: str) -> dict | None:
    found = _STORED.match(message or "")
    if found is None or found["unit"] not in _UNITS:
        return None
    try:
        quantity = float(found["quantity"])
    except ValueError:
        return None
    city = found["city"]
    return {
        "search": found["search"],
        "title": found["title"],
        "quantity": quantity,
        "unit": _UNITS[found["unit"]],
        "city": "" if city == "no city" else city,
    }


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(notifications.c.id, notifications.c.message).where(
            notifications.c.kind == 'saved_search_match'
        )
    ).all()
    for row in rows:
        params = _params(row.message)
        if params is not None:
            conn.execute(
                notifications.update()
                .where(notifications.c.id == row.id)
                .values(params=params, message='')
            )


def downgrade():
    # Write the English text back where only parameters are kept, then drop them.
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(notifications.c.id, notifications.c.params).where(
            notifications.c.kind == 'saved_search_match'
        )
    ).all()
    for row in rows:
        p = row.params
        if not p:
            continue
        unit = _UNIT_SHOWN.get(p.get("unit"), p.get("unit"))
        message = (
            f"New on the exchange for “{p.get('search', '')}”: {p.get('title', '')} "
            f"({float(p.get('quantity') or 0):g} {unit}, {p.get('city') or 'no city'})."
        )[:500]
        conn.execute(
            notifications.update().where(notifications.c.id == row.id).values(message=message)
        )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('params')
