"""Bulk import of components into a building from CSV, XLSX and IFC files.

The pipeline is the same for every format: a reader yields rows (tabular.py, ifc.py), each row
is turned into the input of ``ComponentCreateSchema`` with its materials resolved against the
library (matching.py), validated, and planned as a create, an update or no change against the
building's components keyed by external id or IFC GUID (pipeline/). A dry run stops there;
a commit writes everything in one transaction or nothing.
"""

from passports.imports.models import IMPORT_KINDS
from passports.imports.models import ImportRun
from passports.imports.models import MaterialMapping

__all__ = ["IMPORT_KINDS", "ImportRun", "MaterialMapping"]
