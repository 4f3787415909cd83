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


def test_the_menu_is_a_real_button_and_shown_without_script(client, login, make_user):
    login(make_user("owner"))
    html = client.get("/buildings", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="ja" class="no-js">' in html
    button = re.search(r'<button type="button" class="nav-toggle"[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="main-nav"' in button
    assert re.search(r'<nav class="nav" id="main-nav" aria-label="メインメニュー">', html)
    assert "メニュー</button>" in html
    assert 'id="nav-toggle"' not in html and 'aria-hidden="true">☰' in html  # only the icon
    # menu.js swaps no-js for js before the page is drawn; app.css shows the menu under no-js.
    head = html.split("</head>", 1)[0]
    assert '<script src="/static/js/menu.js"></script>' in head
    assert '<script src="/static/js/forms.js" defer></script>' in head
    assert '<script src="/static/js/scroll-boxes.js" defer></script>' in head
    for name in ("menu.js", "forms.js", "scroll-boxes.js"):
        with client.get(f"/static/js/{name}") as script:
            assert script.status_code == 200
    with client.get("/static/js/menu.js") as script:
        source = script.get_data(as_text=True)
    assert "aria-expanded" in source and "Escape" in source and "focus()" in source
    with client.get("/static/css/app.css") as sheet:
        css = sheet.get_data(as_text=True)
    assert ".js .nav { display: none; }" in css and ".js .nav.is-open { display: flex; }" in css


def test_the_role_in_the_header_is_in_words(client, login, make_user):
    login(make_user("contractor"))
    html = client.get("/buildings", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert re.search(r'<span class="who"[^>]*>[^<]+ · <em>Aannemer</em></span>', html)


def test_a_wrong_password_is_announced_and_names_its_field(client, make_user):
    user = make_user("owner")
    page = client.submit(
        "/login", {"email": user.email, "password": "nope-nope"}, headers={"Accept-Language": "de"}
    )
    assert page.status_code == 401
    html = page.get_data(as_text=True)
    assert re.search(
        r'<p class="field-error" id="password-error" role="alert">E-Mail-Adresse oder Passwort '
        r"falsch.</p>",
        html,
    )
    field = re.search(r'<input id="password"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="password-error"' in field
    assert "autofocus" not in html  # forms.js moves focus to the password instead


def test_every_field_macro_names_its_message_and_help(app):
    template = app.jinja_env.from_string(
        '{% from "macros.html" import input, select, textarea %}'
        "{{ input('a', 'A', {}, errors, help='Help') }}"
        "{{ select('b', 'B', [('x', 'X')], {}, errors, help='Help') }}"
        "{{ textarea('c', 'C', {}, errors) }}"
        "{{ select('d', 'D', [('x', 'X')], {}, errors) }}"
    )
    with app.test_request_context("/"):
        html = template.render(errors={"a": ["Bad a"], "b": ["Bad b"], "c": ["Bad c", "And"]})
    assert re.search(
        r'<input id="a"[^>]* aria-invalid="true" aria-describedby="a-error a-help"', html
    )
    assert re.search(
        r'<select id="b"[^>]* aria-invalid="true" aria-describedby="b-error b-help"', html
    )
    assert re.search(r'<textarea id="c"[^>]* aria-invalid="true" aria-describedby="c-error"', html)
    assert '<p class="field-error" id="c-error">Bad c And</p>' in html
    assert re.search(r'<select id="d" name="d">', html)  # no error: nothing claimed
    assert html.count('id="a-help"') == 1 and html.count('id="c-error"') == 1


def test_the_stylesheet_carries_a_cjk_font_and_a_focus_ring(client):
    with client.get("/static/css/app.css") as sheet:
        css = sheet.get_data(as_text=True)
    face = re.search(r"@font-face \{[^}]*\}", css).group(0)
    assert 'font-family: "MPX CJK"' in face and "wqy-microhei.ttf" in face
    assert "font-display: swap" in face
    for block in (
        "U+3000-303F",
        "U+3040-30FF",
        "U+3400-4DBF",
        "U+4E00-9FFF",
        "U+F900-FAFF",
        "U+FF00-FFEF",
    ):
        assert block in face
    # Last in every stack: a platform's own CJK font wins where it has one.
    for selector in ("body", "html:lang(ja) body", "html:lang(zh) body"):
        rule = re.search(r"\n" + re.escape(selector) + r" \{[^}]*\}", css).group(0)
        assert re.search(r'font-family: [^;]*, sans-serif, "MPX CJK";', rule), selector
        assert "system-ui" not in rule  # Chromium on Linux draws boxes for CJK under it
    assert re.search(r":focus-visible \{ outline: 3px solid", css)
    assert ".table-wrap" in css
    with client.get("/static/fonts/wqy-microhei.ttf") as font:
        assert font.status_code == 200
