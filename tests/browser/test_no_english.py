"""Each role's pages in Dutch and in Japanese carry no English of the app's own.

A person whose browser asks for Dutch or Japanese logs in and opens every page of their role (the
same pages the axe suite visits). On each page, every visible piece of text that is exactly one
of the app's English messages, where the catalogue's translation differs, is English left behind
(a text rendered without gettext, a script's own words, a value without its word). And the
page's own furniture (labels, buttons, table headers, menus, headings, help and alerts) must hold
no English sentence at all, in either language: two or more English function words in one of
them is an untranslated text, whatever its source. Data (names, addresses, notes people typed)
and codes (`<code>`) are left out, as are elements marked `data-user-text`: they are not the
app's to translate.
"""

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import PAGES_ONLY
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_axe import DEMO_PASSWORD
from tests.browser.test_axe import DESKTOP
from tests.browser.test_axe import PEOPLE
from tests.browser.test_axe import pages_of
from tests.browser.test_axe import world  # noqa: F401  (fixture)

pytestmark = PAGES_ONLY

ROOT = Path(__file__).resolve().parents[2]
# Names written alike in every language (the product's, which is also the demo admin's
# organisation).
NAMES = {"Material Passport Exchange"}
FURNITURE = (
    "label, button, th, legend, summary, nav, h2, h3, .help, .flash, [role=alert], "
    "[role=status], option[value=''], caption, figcaption, .empty, .field-error"
)
# English words that are no words of Dutch (so "in", "is" and "en" are left out).
FUNCTION_WORDS = {
    "the",
    "and",
    "of",
    "to",
    "are",
    "with",
    "for",
    "your",
    "this",
    "not",
    "has",
    "have",
    "will",
    "from",
    "yet",
    "all",
    "here",
    "or",
    "by",
    "an",
    "be",
    "their",
    "there",
    "which",
    "when",
}
VISIBLE_TEXTS = """sel => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('script, style, code, [translate=no], [data-user-text]')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text) continue;
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    out.push([text, !!el.closest(sel)]);
  }
  return out;
}"""


def english_messages(language: str) -> set[str]:
    """The app's English messages that the language's catalogue says differently."""
    path = ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = read_po(source)
    return {
        message.id
        for message in catalogue
        if isinstance(message.id, str)
        and message.id
        and "%(" not in message.id
        and "<" not in message.id
        and message.string
        and message.string != message.id
        and re.search(r"[A-Za-z]{3}", message.id)
    }


def english_sentence(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text.lower())
    return sum(word in FUNCTION_WORDS for word in words) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "ja"])
@pytest.mark.parametrize("role", sorted(PEOPLE))
def test_a_role_reads_its_pages_in_its_language(browser, live_server, world, role, language):  # noqa: F811
    english = english_messages(language)
    context = browser.new_context(
        base_url=live_server,
        viewport=DESKTOP,
        locale={"nl": "nl-NL", "ja": "ja-JP"}[language],
        extra_http_headers={"Accept-Language": language},
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    visited = 0

    def check(where: str) -> None:
        nonlocal visited
        visited += 1
        assert page.evaluate("() => document.documentElement.lang") == language
        leftovers = []
        for text, furniture in page.evaluate(VISIBLE_TEXTS, FURNITURE):
            if text in NAMES:
                continue
            if text in english or (furniture and english_sentence(text)):
                leftovers.append(text)
        if leftovers:
            found[where] = sorted(set(leftovers))

    try:
        page.goto("/login")
        check("login")
        page.fill("#email", PEOPLE[role])
        page.fill("#password", DEMO_PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: not url.endswith("/login"))
        for what, path, _submit in pages_of(role, world):
            page.goto(path)
            check(f"{what} ({path})")
    finally:
        context.close()
    assert visited > 10
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
