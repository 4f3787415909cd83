"""Passports: buildings, components, the material library, QR tags, events and imports."""


def init_app(app) -> None:
    """Plug the passports into the shared parts of the app: the tag and measures filters of
    the pages."""
    from passports.measures import measures
    from passports.measures import millimetres
    from passports.public_reads import release_connection
    from passports.tags import format_tag

    app.teardown_appcontext(release_connection)
    app.add_template_filter(format_tag, "tag")
    app.add_template_filter(measures, "measures")
    app.add_template_filter(millimetres, "mm")
