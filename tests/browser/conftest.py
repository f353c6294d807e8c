import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser.tour_steps import Actor, Audit


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(request):
    """The live server over plain HTTP: production settings less the HTTPS redirect and HSTS.

    Middleware reads these once, when the server's handler is built, so they are set first.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    server = LiveServer("localhost")
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ko-KR", "timezone_id": "Asia/Seoul"}


@pytest.fixture
def totp_code():
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    used: dict[str, set[str]] = {}

    def _code(secret: str) -> str:
        """A code the server accepts now and has not seen: it refuses a code used once, so a second log-in by the
        same person within the tolerance window answers with a neighbouring counter's code, or waits for a new one."""
        while True:
            for counter in yield_hotp_counters_from_time():
                code = format_hotp_value(hotp_value(secret, counter))
                if code not in used.setdefault(secret, set()):
                    used[secret].add(code)
                    return code
            time.sleep(1)

    return _code


@pytest.fixture
def log_in(page, live_server, totp_code):
    """Log in through the real form, answering the second-factor step when asked."""

    def _log_in(user, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_login", user.email)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").first.click()
        if "/accounts/2fa/authenticate/" in page.url:
            page.fill("#id_code", totp_code(user.totp_secret))
            page.locator("main form button[type=submit]").first.click()
        return page

    return _log_in


@pytest.fixture
def tour(new_context, live_server, totp_code, request, output_path):
    """A browser context per person; on failure every open page is kept, with the axe-core findings."""
    audit = Audit()
    actors: dict[str, Actor] = {}

    def open_as(who: str, user=None) -> Actor:
        context = new_context()
        actor = Actor(who=who, page=context.new_page(), audit=audit, base=live_server.url)
        actors[who] = actor
        if user is not None:
            actor.log_in(user, totp_code)
        return actor

    yield SimpleNamespace(open_as=open_as, audit=audit, actors=actors)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = Path(output_path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "axe.json").write_text(audit.dump(), encoding="utf-8")
        for who, actor in actors.items():
            if actor.page.is_closed():
                continue
            actor.page.screenshot(path=str(folder / f"{who}.png"), full_page=True)
            (folder / f"{who}.html").write_text(actor.page.content(), encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the tour fixture can save the pages of a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
