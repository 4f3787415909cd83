"""The exchange: listings of recovered materials, search, reservations, wanted requests and
exports."""


def _building_status_changed(building, before=None, **_):
    """A building's status changed (passports.signals): demand hears of a planned demolition."""
    from marketplace.services.wanted import on_building_status

    on_building_status(building, before)


def init_app(app) -> None:
    """Plug the exchange into the shared parts of the app: a restored backup rebuilds the
    listings' search index; a published lot's components have passports any logged-in user
    may read (reduced); a building newly due for demolition tells the wanted requests its
    components could serve; the GS1 resolver lists a component's public listing."""
    from app.hooks import on_restore
    from marketplace.permissions import offered_on_the_exchange
    from marketplace.queries.listings import resolver_links
    from marketplace.search import reindex_all
    from passports.permissions import on_offered
    from passports.resolver import on_resolver_links
    from passports.signals import building_status_changed

    on_restore(app, "indexed", reindex_all)
    on_offered(app, offered_on_the_exchange)
    on_resolver_links(app, resolver_links)
    # One receiver for every app built in the process: connecting it again changes nothing.
    building_status_changed.connect(_building_status_changed, weak=False)
