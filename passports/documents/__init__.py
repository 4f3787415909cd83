"""Passport documents of a building: the machine-readable JSON (schema 1.0) and its import on
another instance, the printable HTML and PDF, and frozen snapshots with their differences.

`export.build_document` makes the one document everything else is drawn from.
"""
