"""The import pipeline: rows in, validated and planned in batches, written unless a dry run.

Each batch of rows has its materials resolved (once per distinct name), is validated with
ComponentCreateSchema, de-duplicated on its key, matched to the building's components by
external id or IFC GUID (one query per batch), and counted as a create, an update or no
change. Unless it is a dry run, or an error has been found (the caller will roll back anyway),
the batch is written with the component services' bulk path and flushed.

- run: the pipeline, its batches and the import run it records;
- batch: planning one batch: validation, duplicate keys, GTIN and serial, materials, matches;
- writing: writing a planned batch with the bulk insert and the component services.
"""

from passports.imports.pipeline.run import BATCH  # noqa: F401
from passports.imports.pipeline.run import Pipeline  # noqa: F401
from passports.imports.pipeline.run import Progress  # noqa: F401
