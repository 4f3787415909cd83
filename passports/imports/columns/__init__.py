"""The columns of a component spreadsheet: names, synonyms, documentation and examples.

One table drives the header matching, the template's header and its documentation sheet, so
they cannot drift apart. Headers are matched after folding case, accents, spaces and
punctuation, and after dropping a unit hint in brackets ("Volume (m³)" is "volume").

- table: the columns, their synonyms, documentation and examples;
- headers: folding text and matching a header to its field.
"""

from passports.imports.columns.headers import fold  # noqa: F401
from passports.imports.columns.headers import header_unit  # noqa: F401
from passports.imports.columns.headers import match_header  # noqa: F401
from passports.imports.columns.table import BY_FIELD  # noqa: F401
from passports.imports.columns.table import COLUMNS  # noqa: F401
from passports.imports.columns.table import REQUIRED  # noqa: F401
from passports.imports.columns.table import Column  # noqa: F401
