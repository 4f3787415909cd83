"""The urban mine: a city's whole material stock, estimated from its building register with
published material intensities (kg per m² of gross floor area) where no passport has surveyed it.

`mine.models` holds the register; `mine.intensity` reads the intensity table
(mine/data/material_intensity.csv, derived from the Material Intensity Research Database by
mine/data/build_material_intensity.py); `mine.estimate` turns a building's floor area into mass
and embodied carbon by material family. This package may import from `passports` and `app`,
never from `marketplace` or `dashboard`.
"""


def _building_saved(building, **_):
    """Receiver of passports' building_saved: link the building to its register entry."""
    from mine.register.linking import link_building

    link_building(building)


def init_app(app) -> None:
    """Load the register's models, so the database and migrations know them; link passport
    buildings to their register entries when they are created or edited (the rule lives in
    mine.register.linking)."""
    from mine import models  # noqa: F401
    from passports.signals import building_saved

    building_saved.connect(_building_saved, weak=False)
