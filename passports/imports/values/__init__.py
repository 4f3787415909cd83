"""Cell values as people type them: numbers with decimal commas, units, shares and grades.

Each parser returns the typed value or raises `ValueError` with a message meant for the user
("not a number: 'abc'"); the row converter puts it under the row and column it came from.

- numbers: numbers, units, masses, whole numbers and shares;
- words: condition grades, hazards, vocabulary labels, material lists and text.
"""

from passports.imports.values.numbers import LENGTH_TO_MM  # noqa: F401
from passports.imports.values.numbers import MASS_TO_KG  # noqa: F401
from passports.imports.values.numbers import UNIT_SYNONYMS  # noqa: F401
from passports.imports.values.numbers import parse_int  # noqa: F401
from passports.imports.values.numbers import parse_length  # noqa: F401
from passports.imports.values.numbers import parse_mass  # noqa: F401
from passports.imports.values.numbers import parse_number  # noqa: F401
from passports.imports.values.numbers import parse_share  # noqa: F401
from passports.imports.values.numbers import split_quantity  # noqa: F401
from passports.imports.values.numbers import unit_of  # noqa: F401
from passports.imports.values.words import CONDITION_WORDS  # noqa: F401
from passports.imports.values.words import HAZARD_WORDS  # noqa: F401
from passports.imports.values.words import category  # noqa: F401
from passports.imports.values.words import choice  # noqa: F401
from passports.imports.values.words import complete_shares  # noqa: F401
from passports.imports.values.words import connection_type  # noqa: F401
from passports.imports.values.words import parse_condition  # noqa: F401
from passports.imports.values.words import parse_hazards  # noqa: F401
from passports.imports.values.words import parse_materials  # noqa: F401
from passports.imports.values.words import text  # noqa: F401
