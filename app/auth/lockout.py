"""Account lockout after repeated failed logins.

The login endpoints are also rate-limited per address (LOGIN_RATE_LIMIT); this module counts
failures per account, whatever address they come from, so a slow distributed guess at one
password stops too. Counters live in the limiter's storage: memory for one process, Redis
(RATELIMIT_STORAGE_URI=redis://...) when several workers or machines must share them. A lockout
holds for the rest of its window (LOGIN_LOCKOUT, default "5 per 15 minutes") and a successful
login clears the count. Accounts that do not exist are counted the same way, so the answer never
tells whether an email is registered.
"""

import logging
import math
import time

from flask import current_app
from limits import parse

from app.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "login-failures"


class AccountLocked(Exception):
    """Too many failed logins for this account; `retry_after` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"locked for {retry_after} s")
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """What the person at the login form reads."""
        minutes = max(1, math.ceil(self.retry_after / 60))
        return (
            "Too many failed logins for this account. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def _item():
    return parse(current_app.config["LOGIN_LOCKOUT"])


def _key(email: str) -> str:
    return (email or "").strip().lower()


def check(email: str) -> None:
    """Raise AccountLocked when the account has used up its failed attempts."""
    item, key = _item(), _key(email)
    try:
        if limiter.limiter.test(item, NAMESPACE, key):
            return
        reset_at = limiter.limiter.get_window_stats(item, NAMESPACE, key).reset_time
    except Exception:  # storage down: the per-address limit still applies
        log.exception("lockout storage unavailable; login not checked for lockout")
        return
    raise AccountLocked(max(1, math.ceil(reset_at - time.time())))


def record_failure(email: str) -> None:
    """Count one failed login against the account."""
    try:
        if not limiter.limiter.hit(_item(), NAMESPACE, _key(email)):
            log.warning("account locked after failed logins", extra={"email": _key(email)})
    except Exception:
        log.exception("lockout storage unavailable; failure not counted")


def clear(email: str) -> None:
    """Forget the failures of an account after it logs in."""
    try:
        limiter.limiter.clear(_item(), NAMESPACE, _key(email))
    except Exception:
        log.exception("lockout storage unavailable; failures not cleared")
