"""Fixtures for the browser tests: headless Chromium through Playwright against live_server.

Nothing is downloaded: the tests drive the Chromium that Debian installs at /usr/bin/chromium
(another binary can be named in E2E_CHROMIUM). Without it the tests are skipped locally and
fail in CI, where a skipped browser test would hide a gap.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 800}


def pytest_collection_modifyitems(items):
    """Every test under tests/e2e drives a browser, whether its module says so or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module.

    Playwright's sync API keeps an event loop running in the main thread while it is started,
    and Django's ORM refuses to work beside a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is
    set (safe here: the tests use no asyncio). Both are confined to the browser tests: set
    for the whole session, the variable would leak into other tests' subprocesses (`check
    --deploy` rejects it, async.E001) and the loop would break ORM calls in tests that
    pytest-django orders after these ones.
    """
    if not Path(CHROMIUM).exists():
        reason = (
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or name another binary in E2E_CHROMIUM"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context: `new_page(language="en", user=..., viewport=...)`.

    German needs no cookie (it is the default); a user is signed in by copying the session
    cookie of a test client that logged them in.
    """
    contexts = []

    def open_page(*, language="de", user=None, viewport=WIDE):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        cookies = []
        if language != settings.LANGUAGE_CODE:
            cookies.append(
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
            )
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
            )
        if cookies:
            context.add_cookies(cookies)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a new browser context, 1280x900, German, signed out."""
    return new_page()


def axe_violations(page):
    """Run axe-core's WCAG 2.1 A/AA rules on the page; return the violations found.

    add_script_tag inserts axe as an inline script. Once the portal sends a strict
    Content-Security-Policy, create the context with bypass_csp=True for this to work.
    """
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations", AXE_TAGS
    )


def describe_violations(violations):
    """A readable summary for assertion messages: rule, impact, help and the elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)
