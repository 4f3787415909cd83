"""Procurement exports: listings as CSV and XLSX, an accepted reservation as an OCDS award.

- `columns`: what every exported row holds, defined once (`COLUMNS`): what a procurement officer
  copies into a tender or a bill of quantities (CPV code and label, quantity and UN/CEFACT unit,
  location, availability window, condition, seller, provenance, CO2 avoided);
- `sheets`: those rows as CSV (streamed) and XLSX (openpyxl, write-only), with text that a
  spreadsheet would run as a formula defused by a leading quote;
- `ocds`: an accepted or collected reservation as an Open Contracting (OCDS 1.1) release package
  with one `award` release.
"""

from marketplace.exports.columns import COLUMNS
from marketplace.exports.columns import COMPONENT_COLUMNS
from marketplace.exports.columns import EXPORT_CAP
from marketplace.exports.columns import UNCEFACT
from marketplace.exports.columns import listing_record
from marketplace.exports.ocds import OCDS_PREFIX
from marketplace.exports.ocds import ocds_release_package
from marketplace.exports.sheets import CSV_MIME
from marketplace.exports.sheets import FORMATS
from marketplace.exports.sheets import XLSX_MIME
from marketplace.exports.sheets import csv_lines
from marketplace.exports.sheets import defuse
from marketplace.exports.sheets import export_listing
from marketplace.exports.sheets import export_search
from marketplace.exports.sheets import xlsx_bytes

__all__ = [
    "COLUMNS",
    "COMPONENT_COLUMNS",
    "CSV_MIME",
    "EXPORT_CAP",
    "FORMATS",
    "OCDS_PREFIX",
    "UNCEFACT",
    "XLSX_MIME",
    "csv_lines",
    "defuse",
    "export_listing",
    "export_search",
    "listing_record",
    "ocds_release_package",
    "xlsx_bytes",
]
