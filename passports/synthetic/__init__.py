"""Synthetic passports at scale, for benchmarks: bulk writes below the ORM.

Rows are built in Python as tuples and written a batch at a time: with COPY FROM STDIN
(psycopg's `Cursor.copy`) on PostgreSQL; elsewhere with a Core `insert(Model.__table__)`,
compiled once per batch and run with the driver's executemany. Both use the session's own
connection, inside its transaction: the caller's `db.session.commit()` keeps everything and
a failure leaves nothing. Ids are assigned here, so component materials and hazards are
written in the same pass without reading anything back.

Everything but the tags is reproducible from `seed`. Tags come from the operating system's
random source like the app's own (`passports.tags.new_tag`), so running the generator twice
with the same seed never tries to reuse a tag. They are not checked against the database:
with 60 random bits, writing a million tags next to a million others collides with a chance
of about one in a million (n * m / 2**60), and the unique constraint then fails the whole
run, which rolls back, rather than letting a duplicate through. Duplicates within a batch
are removed before writing all the same, since that is free.

- writers: writing rows below the ORM, the fastest way each database allows;
- generator: the buildings, components, materials and hazards it writes.
"""

from passports.synthetic.generator import generate  # noqa: F401
from passports.synthetic.writers import bulk_writer  # noqa: F401
