"""Backup and restore of a whole exchange: every table and every uploaded file in one archive.

`flask backup create FILE` writes a zip archive; `flask backup restore FILE` loads it into a
database migrated to the same revision, on SQLite or PostgreSQL whichever made it. The format
is described in `app.backup.archive`, the value encoding in `app.backup.codec`, what is and is
not copied in `app.backup.tables`, and the order of the work in `app.backup.services`.
"""

from app.backup.archive import BackupError

__all__ = ["BackupError"]
