"""Accessibility basics every page shares: a skip link as the first stop, to the main content."""

import re


def test_the_first_link_of_every_page_skips_to_the_main_content(client, login, make_user):
    for path in ("/login", "/buildings"):
        if path == "/buildings":
            login(make_user("owner"))
        html = client.get(path, headers={"Accept-Language": "da"}).get_data(as_text=True)
        first = re.search(r"<(a|button|input|select)\b[^>]*>", html.split("<body>", 1)[1])
        assert first and 'class="skip-link"' in first.group(0) and 'href="#main"' in first.group(0)
        assert "Spring til indhold" in html
        assert re.search(r'<main [^>]*id="main"', html)
