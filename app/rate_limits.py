"""Flask-Limiter's extension, checking limits only where a view asks for one.

The app limits the views that need it (logins, token issue, account requests, photo scans) with
`@limiter.limit`, which Flask-Limiter checks inside the view; it sets no default, application
or blueprint limit. Flask-Limiter still runs a check before every request, for limits of those
kinds, and on a public read (a scanned tag, the GS1 resolver) that check cost more than the
read itself. It is skipped while there is no such limit to check; once one is set, it runs.
Likewise its after-request (rate-limit headers) and teardown (reset) hooks only run on a
request where a limit was checked: on any other they would make the limiter's per-request
state only to find it empty.
"""

from functools import partial

import flask_limiter
from flask.globals import request_ctx

# Where Flask-Limiter keeps a request's state: an attribute of the request context.
_STATE_HOLDER = "_limiter_request_context"


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, without its before-request check while no limit needs it."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        manager = self.limit_manager
        if in_middleware and not (
            manager._application_limits or manager._default_limits or manager._blueprint_limits
        ):
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def init_app(self, app) -> None:
        super().init_app(app)
        after = app.after_request_funcs.get(None, [])
        for n, hook in enumerate(after):
            if isinstance(hook, partial) and hook.args == (self,):
                after[n] = _when_checked(hook, passthrough=True)
        teardown = app.teardown_request_funcs.get(None, [])
        for n, hook in enumerate(teardown):
            if getattr(hook, "__self__", None) is self:
                teardown[n] = _when_checked(hook, passthrough=False)


def _when_checked(hook, *, passthrough: bool):
    """The hook, run only on a request where Flask-Limiter checked a limit."""

    def run(arg=None):
        if hasattr(request_ctx._get_current_object(), _STATE_HOLDER):
            return hook(arg)
        return arg if passthrough else None

    run.__name__ = run.__qualname__ = f"{getattr(hook, '__name__', 'limiter_hook')}_when_checked"
    return run
