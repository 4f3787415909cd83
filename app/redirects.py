"""The one check for where a `next` parameter or a "Back" link may send a browser.

Only a path on this site passes. Browsers are lenient in ways a plain prefix check misses: they
drop tabs and newlines anywhere in a URL (`/<TAB>/evil.example` becomes `//evil.example`),
treat a backslash as a slash (`/\\evil.example`), and a path that starts with two slashes names
another host. So the value must start with one slash and hold no control character, white
space or backslash; its path, percent-decoded (several rounds, so `%2509` hides nothing), must
pass the same test and must not start with two slashes; and `urlsplit` must find no scheme or
host in either. The query string may hold encoded spaces (`?q=oak%20door`): it cannot change
where the browser goes.
"""

from urllib.parse import unquote
from urllib.parse import urlsplit


def safe_next(value: str | None, fallback: str | None = None) -> str | None:
    """`value` when it is a path on this site, else `fallback`."""
    if not isinstance(value, str) or not _local(value):
        return fallback
    path = value.split("?", 1)[0].split("#", 1)[0]
    return value if _local(_fully_unquoted(path)) else fallback


def _local(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//"):
        return False
    if any(ch == "\\" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def _fully_unquoted(value: str, rounds: int = 3) -> str:
    for _ in range(rounds):
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    return value
