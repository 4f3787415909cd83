"""Each component's metrics, stored on its row whenever it is written.

`components.mci`, `disassembly_score`, `carbon_a1a3_kg` and `metrics_quality` are results of
`passports.metrics.component.evaluate`, kept on the row so that a building, an organisation or
a city aggregates them in SQL instead of re-evaluating every component on every read.

They are kept current by a `before_flush` hook on the session, installed by the app factory:
whatever writes a component through the ORM (the passport pages and API, bulk imports,
collections on the exchange, passport imports) gets its results recomputed in the same flush,
when an input changed: its own fields, its materials or its hazards, or a library material it
uses (a new carbon factor re-scores every component made of it).

Rows written below the ORM (`passports.synthetic`, or a database migrated from before these
columns) are scored in bulk by `recompute_components`, run by `flask dashboard refresh`.

- hook: the facts of a component and the hook that scores it in its flush;
- bulk: scoring rows written below the ORM, in batches.
"""

from passports.metrics.stored.bulk import recompute_components  # noqa: F401
from passports.metrics.stored.bulk import unscored_count  # noqa: F401
from passports.metrics.stored.hook import INPUT_ATTRIBUTES  # noqa: F401
from passports.metrics.stored.hook import MATERIAL_ATTRIBUTES  # noqa: F401
from passports.metrics.stored.hook import RESULT_COLUMNS  # noqa: F401
from passports.metrics.stored.hook import component_facts  # noqa: F401
from passports.metrics.stored.hook import install  # noqa: F401
from passports.metrics.stored.hook import material_facts  # noqa: F401
from passports.metrics.stored.hook import score_component  # noqa: F401
