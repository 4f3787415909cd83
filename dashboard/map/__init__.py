"""The map of the urban mine and the exchange: register buildings (estimated or surveyed),
passport buildings, listings and wanted requests, clustered by the server.

- `grid`: the cells clusters are made of (a zoom's tile split in CELLS_PER_TILE² cells) and the
  per-organisation aggregate of the register by cell (`map_cells`, migration 0018), refreshed
  when the register changed, so a city-wide request reads a few hundred rows, not 100,000.
- `queries`: who sees which layer, clusters and single features in a bounding box.
- `api`: `GET /api/v1/map/clusters`; `views`: the `/map` page, the popups, the embed hook.
"""
