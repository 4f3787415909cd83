"""Lockout after repeated failed logins, keyed so that an attacker cannot lock the owner out.

The login endpoints are also rate-limited per address (LOGIN_RATE_LIMIT). On top of that this
module counts failed passwords in two ways:

- per account *and* address (LOGIN_LOCKOUT, default "5 per 15 minutes"): five wrong passwords
  for one account from one address lock that address out of that account for the rest of the
  window. The account's owner, logging in from anywhere else, is not affected. Counting per
  account alone, as this module once did, let anybody lock any user out for 15 minutes with
  five requests.
- per account from all addresses together (LOGIN_LOCKOUT_ACCOUNT, default "50 per 15
  minutes"): a guess spread over many addresses still stops. Since each address can add at most
  LOGIN_LOCKOUT's count before it is locked (a locked address is refused before its attempt is
  counted), reaching this ceiling takes failures from about ten addresses in one window. That
  is the price of stopping a distributed guess: whoever controls that many addresses can still
  lock an account; one address, or a few, cannot.

A successful login clears the count of its own (account, address) pair only: the owner logging
in does not reset an attacker's count elsewhere, and the attacker's address stays locked.

The address is `request.remote_addr`, which is the client's address behind a proxy only when
PROXY_FIX_X_FOR says how many proxies to trust (see the app factory); otherwise every client of
the proxy would share one count. Counters live in the limiter's storage: memory for one
process, Redis (RATELIMIT_STORAGE_URI=redis://...) when several workers or machines must share
them. Accounts that do not exist are counted the same way, so the answer never tells whether an
email is registered.
"""

import logging
import math
import time

from flask import current_app
from flask import has_request_context
from flask import request
from flask_babel import ngettext
from limits import parse

from app.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "login-failures"
ACCOUNT_NAMESPACE = "login-failures-account"


class AccountLocked(Exception):
    """Too many failed logins for this account; `retry_after` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"locked for {retry_after} s")
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """What the person at the login form reads."""
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "Too many failed logins for this account. Try again in %(num)d minute.",
            "Too many failed logins for this account. Try again in %(num)d minutes.",
            minutes,
        )


def _counters(email: str) -> list[tuple]:
    """(rate limit item, namespace, *identifiers) of each counter a failure adds to."""
    account = (email or "").strip().lower()
    address = (request.remote_addr if has_request_context() else None) or "unknown"
    config = current_app.config
    return [
        (parse(config["LOGIN_LOCKOUT"]), NAMESPACE, account, address),
        (parse(config["LOGIN_LOCKOUT_ACCOUNT"]), ACCOUNT_NAMESPACE, account),
    ]


def check(email: str) -> None:
    """Raise AccountLocked when this address, or everyone, has used up the account's attempts."""
    try:
        reset_at = [
            limiter.limiter.get_window_stats(item, *key).reset_time
            for item, *key in _counters(email)
            if not limiter.limiter.test(item, *key)
        ]
    except Exception:  # storage down: the per-address limit still applies
        log.exception("lockout storage unavailable; login not checked for lockout")
        return
    if reset_at:
        raise AccountLocked(max(1, math.ceil(max(reset_at) - time.time())))


def record_failure(email: str) -> None:
    """Count one failed login against the account, from this address and in all."""
    try:
        for item, *key in _counters(email):
            if not limiter.limiter.hit(item, *key):
                log.warning(
                    "login locked after failed logins",
                    extra={"email": key[1], "scope": "address" if len(key) > 2 else "account"},
                )
    except Exception:
        log.exception("lockout storage unavailable; failure not counted")


def clear(email: str) -> None:
    """Forget this address's failures for the account after it logs in from there."""
    item, *key = _counters(email)[0]
    try:
        limiter.limiter.clear(item, *key)
    except Exception:
        log.exception("lockout storage unavailable; failures not cleared")
