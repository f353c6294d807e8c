"""Helpers for the tour: one browser context per person, an axe-core audit after every page load,
and keyboard-only form filling."""

import json
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Locator, Page

from tests.factories import PASSWORD

AXE_URL = "/static/vendor/axe-core/axe.min.js"

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  }));
}"""


@dataclass
class Audit:
    """axe-core's serious and critical violations on every page the tour loads."""

    findings: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0

    def check(self, page: Page, who: str) -> None:
        """Run axe-core on the page just loaded. It is loaded from the portal's own static files,
        which the Content-Security-Policy allows (an inline copy would be refused)."""
        page.wait_for_load_state("load")
        started = time.monotonic()
        if not page.evaluate("() => 'axe' in window"):
            page.add_script_tag(url=urljoin(page.url, AXE_URL))
        violations = page.evaluate(AXE_RUN)
        self.seconds += time.monotonic() - started
        self.pages += 1
        for violation in violations:
            self.findings.append({"who": who, "url": page.url, **violation})

    def report(self) -> str:
        return "\n".join(
            f"{f['url']} ({f['who']}): [{f['impact']}] {f['id']} — {f['help']}\n    " + "\n    ".join(f["nodes"])
            for f in self.findings
        )

    def dump(self) -> str:
        return json.dumps(
            {
                "pages": self.pages,
                "seconds": round(self.seconds, 1),
                "findings": self.findings,
                "console_errors": self.console_errors,
            },
            ensure_ascii=False,
            indent=2,
        )


@dataclass
class Actor:
    """One person in their own browser context; every page they load is audited."""

    who: str
    page: Page
    audit: Audit
    base: str

    def __post_init__(self):
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.audit.console_errors.append(f"{self.who}: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.audit.console_errors.append(f"{self.who}: {message.text} {message.location.get('url', '')}")

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.audit.check(self.page, self.who)
        return self.page

    def submit(self, target: Locator) -> Page:
        """Click something that loads a new page, then audit it."""
        with self.page.expect_navigation():
            target.click()
        self.audit.check(self.page, self.who)
        return self.page

    def press(self, key: str) -> Page:
        """Press a key that loads a new page (Enter on a link or a submit button), then audit it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.audit.check(self.page, self.who)
        return self.page

    def log_in(self, user, code) -> Page:
        self.goto("/accounts/login/")
        self.page.fill("#id_login", user.email)
        self.page.fill("#id_password", PASSWORD)
        self.submit(self.page.locator("main form button[type=submit]").first)
        if "/accounts/2fa/authenticate/" in self.page.url:
            self.page.fill("#id_code", code(user.totp_secret))
            self.submit(self.page.locator("main form button[type=submit]").first)
        assert "/accounts/" not in self.page.url, self.page.url
        return self.page


# Keyboard only


def _focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link; Enter moves the focus into the main content.

    Once the skip link has been used, the pages that follow keep its fragment (a form posts back to
    the same address and the redirect keeps it), and the browser starts tabbing from the main content.
    """
    if urlparse(page.url).fragment == "main":
        return
    page.keyboard.press("Tab")
    assert _focused_matches(page, "a.skip-link"), "the first Tab does not reach the skip link"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page: Page, value: str, limit: int = 40) -> None:
    """Pick an option of the focused select with the arrow keys."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value!r} in the focused select")


def type_section(page: Page, section: str, values: dict) -> None:
    """Fill one step of the application form in DOM order with Tab, typing and arrow keys."""
    for name, value in values.items():
        selector = f'[name="{section}-{name}"]'
        tab_to(page, selector)
        if page.evaluate("() => document.activeElement.tagName") == "SELECT":
            choose(page, value)
        else:
            page.keyboard.press("Control+A")
            if value.isascii():
                page.keyboard.type(value)
            else:
                page.keyboard.insert_text(value)  # as an input method commits Hangul


def keyboard_section(actor: Actor, section: str, values: dict) -> Page:
    """Type a step, Tab to "Save and continue" and press Enter."""
    page = actor.page
    skip_to_main(page)
    type_section(page, section, values)
    tab_to(page, 'button[name="action"][value="next"]')
    return actor.press("Enter")
