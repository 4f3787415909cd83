"""The machine-readable passport of a building (schema 1.0, `passports/schema/`).

One document serves everything the passport is turned into: the JSON export, the printable
HTML and PDF, the frozen snapshots and their differences. It is read with a handful of row
queries (no ORM objects: a building of 10,000 components exports in well under a second):
components, their materials, hazards and history, plus the aggregates of
`passports.metrics.queries`.

Identifiers are stable: every component carries its public tag and tag URL (the address on its
printed QR label) and, when it came from another instance, the tag URL it had there. The ids of
this database appear only under `source`, which says where the document came from.

- formats: schema version, methods, event columns, ISO times and download names;
- summary: the building's identity and summary figures;
- document: the components and the document as a whole.
"""

from passports.documents.export.document import build_document  # noqa: F401
from passports.documents.export.formats import EVENT_COLUMNS  # noqa: F401
from passports.documents.export.formats import GENERATOR  # noqa: F401
from passports.documents.export.formats import METHODS  # noqa: F401
from passports.documents.export.formats import SCHEMA_VERSION  # noqa: F401
from passports.documents.export.formats import gc_paused  # noqa: F401
from passports.documents.export.formats import iso_datetime  # noqa: F401
from passports.documents.export.formats import parse_datetime  # noqa: F401
from passports.documents.export.formats import passport_filename  # noqa: F401
from passports.documents.export.summary import building_identity  # noqa: F401
from passports.documents.export.summary import passport_summary  # noqa: F401
from passports.documents.export.summary import unscored_to_defaults  # noqa: F401
from passports.models.buildings import BUILDING_FIELDS  # noqa: F401
