"""The audit log: every write to the database, with who made it, when, and the values before
and after. Captured by a session hook (`app.audit.services`), read by administrators on
`/admin/audit` and `GET /api/v1/audit`."""
