"""Flask-Limiter's extension, checking limits only where a view asks for one.

The app limits the views that need it (logins, token issue, account requests, photo scans) with
`@limiter.limit`, which Flask-Limiter checks inside the view; it sets no default, application
or blueprint limit. Flask-Limiter still runs a check before every request, for limits of those
kinds, and on a public read (a scanned tag, the GS1 resolver) that check cost more than the
read itself. It is skipped while there is no such limit to check; once one is set, it runs.
"""

import flask_limiter


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, without its before-request check while no limit needs it."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        manager = self.limit_manager
        if in_middleware and not (
            manager._application_limits or manager._default_limits or manager._blueprint_limits
        ):
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
