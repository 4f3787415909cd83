"""Import pages (stub while the feature is built)."""

from passports.imports import models  # noqa: F401
