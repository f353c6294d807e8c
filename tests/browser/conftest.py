import shutil

import pytest


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
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ko-KR", "timezone_id": "Asia/Seoul"}


@pytest.fixture
def totp_code():
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    def _code(secret: str) -> str:
        counter = list(yield_hotp_counters_from_time())[1]
        return format_hotp_value(hotp_value(secret, counter))

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
