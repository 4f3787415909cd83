"""The exchange: listings of recovered materials, search, reservations and exports."""


def init_app(app) -> None:
    """Plug the exchange into the shared parts of the app: a restored backup rebuilds the
    listings' search index."""
    from app.hooks import on_restore
    from marketplace.search import reindex_all

    on_restore(app, "indexed", reindex_all)
