"""The building register import: a city's register file (CSV or GeoJSON) checked row by row,
previewed, then written all or nothing; re-imports update by register id.

- files: reading the file (CSV lines, GeoJSON features streamed one at a time);
- geometry: a footprint's centroid and area on the sphere;
- rows: checking one row and computing its estimate (`estimate_fields`, also used by
  `flask mine reestimate`);
- importer: the import itself (chunks, bulk writes, the report);
- linking: which passport building surveys which register entry;
- staging and jobs: uploads kept between preview and commit, and the background job.
"""
