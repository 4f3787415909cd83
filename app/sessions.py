"""Sessions and logins, without their cost on a request that brings no credentials.

Most requests to public pages (a scanned label, the GS1 resolver) come from a phone that has
never logged in: no session cookie, no remember cookie, no Authorization header. Flask would
still build the cookie signer to find no cookie, and Flask-Login would still hash the client's
address and agent for session protection, to conclude what the request's headers already say:
nobody is logged in. Both skip that work here, and behave as before for every other request.
"""

import flask_login
from flask import current_app
from flask import request
from flask import session
from flask.sessions import SecureCookieSessionInterface


def may_be_logged_in() -> bool:
    """Whether the request carries anything that can log someone in: the session or remember
    cookie, or an Authorization header."""
    config = current_app.config
    cookies = request.cookies
    return (
        config["SESSION_COOKIE_NAME"] in cookies
        or config.get("REMEMBER_COOKIE_NAME", flask_login.COOKIE_NAME) in cookies
        or "Authorization" in request.headers
    )


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; a request without the cookie gets a new, empty session
    without building the signer."""

    def open_session(self, app, request):
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ or self.get_cookie_name(app) not in request.cookies
        ):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        # An empty session nobody changed sets and deletes no cookie: Flask would still work
        # out every cookie setting to find that out.
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


class LoginManager(flask_login.LoginManager):
    """Flask-Login; a request without credentials is anonymous at once."""

    def _load_user(self):
        if not may_be_logged_in():
            # The answer still depends on who is logged in: reading the session marks it
            # accessed, so the response varies on Cookie as any other.
            session.get("_user_id")
            return self._update_request_context_with_user()
        return super()._load_user()
