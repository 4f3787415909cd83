"""Browser tests: real Chromium, driven by Playwright, against the app on a local port."""
