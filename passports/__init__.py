"""Passports: buildings, components, the material library, QR tags, events and imports."""


def init_app(app) -> None:
    """Plug the passports into the shared parts of the app: the tag filter of the pages."""
    from passports.tags import format_tag

    app.add_template_filter(format_tag, "tag")
