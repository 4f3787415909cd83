"""What app/ calls in the feature packages, registered by them when the factory starts them.

Dependencies point one way (dashboard -> marketplace -> passports -> app): app/ imports a
feature package only in the factory. Where a shared part must reach one (a restore that has to
rebuild the exchange's search index), the package registers a callback here from its
`init_app`, and app/ runs whatever was registered. A package may also draw a section of its
own on another package's page (`on_page_section`; the page calls `page_sections(place)`), so
the exchange shows the dashboard's map without importing it. Template filters need nothing of
their own: a package adds them with Flask's `app.add_template_filter`.
"""

from collections.abc import Callable

from flask import Flask
from flask import current_app
from markupsafe import Markup

_AFTER_RESTORE = "mpx.after_restore"


def on_restore(app: Flask, name: str, callback: Callable[[], object]) -> None:
    """Run `callback` once a backup's rows are restored, in the restore's transaction; its
    result is reported in the restore's summary under `name`."""
    app.extensions.setdefault(_AFTER_RESTORE, {})[name] = callback


def run_after_restore() -> dict:
    """Run the callbacks registered for after a restore; their results by name."""
    callbacks = current_app.extensions.get(_AFTER_RESTORE, {})
    return {name: callback() for name, callback in callbacks.items()}


_PAGE_SECTIONS = "mpx.page_sections"


def on_page_section(app: Flask, place: str, render: Callable[[], object]) -> None:
    """Register `render() -> HTML` to be drawn where a template calls `page_sections(place)`
    (a package shows a part of its own on another package's page, e.g. the map on the
    exchange's search page, without that package importing it)."""
    app.extensions.setdefault(_PAGE_SECTIONS, {}).setdefault(place, []).append(render)


def page_sections(place: str) -> Markup:
    """The HTML of the sections registered for a place of a page ("" when none)."""
    renders = current_app.extensions.get(_PAGE_SECTIONS, {}).get(place, [])
    return Markup("").join(Markup(render()) for render in renders)
