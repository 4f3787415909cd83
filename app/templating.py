"""Jinja filters and globals shared by every page."""

from datetime import date

from flask import Flask


def kg(value: float | None) -> str:
    """A mass for people: kg below a tonne, t above."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value / 1000:,.1f} t"
    return f"{value:,.0f} kg"


def number(value: float | None, digits: int = 2) -> str:
    """A number without trailing zeros."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def label(value: str | None) -> str:
    """A stored value in words, in the page's language: demolition_planned → Demolition planned."""
    from app.i18n import word

    return word(value)


def options(values, labelled: bool = True) -> list[tuple[str, str]]:
    """(value, text) pairs for the select macro: the text is the value in words, or as it is."""
    return [(value, label(value) if labelled else value) for value in values]


def unit(value: str | None) -> str:
    """Units as people write them: m2 → m², m3 → m³."""
    return (value or "").replace("m2", "m²").replace("m3", "m³")


def register(app: Flask) -> None:
    """Install filters and the shell context (each feature package adds its own filters)."""
    from app.redirects import safe_next

    app.jinja_env.filters.update(kg=kg, number=number, label=label, options=options, unit=unit)
    app.jinja_env.globals.update(today=date.today, safe_next=safe_next)

    @app.shell_context_processor
    def _shell():
        from app.extensions import db

        return {"db": db}
