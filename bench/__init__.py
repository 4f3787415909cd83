"""Benchmarks of the Material Passport Exchange: `python -m bench` (or `make bench`).

Each benchmark measures and reports; none of them asserts a timing. Figures are printed as a
table and written as JSON to bench/results/latest.json.

- generate: `flask demo generate --buildings 1000 --components 1000000` on SQLite (target
  <= 60 s) and on PostgreSQL (no target), through the real command line in a subprocess.
- overview: the building overview page and its JSON summary for a building of 10,000
  components (target <= 150 ms median), on SQLite and PostgreSQL, in an otherwise empty
  database.
- overview-scale: the same overview when the database also holds the 1,000,000-component
  dataset of `generate`.
"""
