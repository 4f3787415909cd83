"""The exchange: listings of recovered materials, search, reservations and exports."""


def init_app(app) -> None:
    """Plug the exchange into the shared parts of the app: a restored backup rebuilds the
    listings' search index; a published lot's components have passports any logged-in user
    may read (reduced)."""
    from app.hooks import on_restore
    from marketplace.permissions import offered_on_the_exchange
    from marketplace.search import reindex_all
    from passports.permissions import on_offered

    on_restore(app, "indexed", reindex_all)
    on_offered(app, offered_on_the_exchange)
