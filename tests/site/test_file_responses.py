"""Every view that serves a file, stored or generated, sends it privately and unsniffed (``portal.downloads``).

Each GET row of the URL matrix is opened as a role that may open it; every answer that names a file must carry
``Cache-Control: private, no-store`` and ``X-Content-Type-Options: nosniff``. The open-data CSVs are the one
exception: public copies of public registers, cached on purpose for a minute.
"""

import pytest

from tests.site.test_url_matrix import MATRIX, base_name, ordered_rows, permitted_role, url_of

# The site-wide sweeps share one world that takes half a minute to build: make test runs them, make test-fast does not.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: Public registers as open data: cached by design (``portal.opendata``).
PUBLIC_CACHED = ("opendata:",)
#: Files made for the request (PDF, XLSX, calendars): the test fails if the matrix stops reaching one of them.
GENERATED = {
    "surveys:call_calendar",
    "surveys:call_form_pdf",
    "surveys:calendar_feed",
    "surveys:application_record_pdf",
    "surveys:application_draft_pdf",
    "review:review_pdf",
    "review:committee_scores",
}
#: Exports behind a query string on a list page.
EXPORTS = [
    ("surveys:intake_list", {"export": "csv"}),
    ("surveys:intake_list", {"export": "xlsx"}),
    ("review:statistics", {"export": "designation"}),
]


def _open(client, world, key, query=None):
    row = MATRIX[key]
    client.logout()
    user = world.users[permitted_role(row)]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(url_of(key, world), row.data(world) if query is None else query)


def _problem(response) -> str | None:
    if response.get("Cache-Control") != "private, no-store":
        return f"Cache-Control {response.get('Cache-Control')!r}"
    if response.get("X-Content-Type-Options") != "nosniff":
        return "no nosniff"
    if "filename*=UTF-8''" not in response["Content-Disposition"]:
        return f"Content-Disposition {response['Content-Disposition']!r}"
    return None


def test_every_file_the_portal_serves_is_private_and_unsniffed(client, world):
    served, wrong = set(), []
    for key, row in ordered_rows():
        if row.method != "get" or permitted_role(row) is None or base_name(key).startswith(PUBLIC_CACHED):
            continue
        response = _open(client, world, key)
        if response.status_code != 200 or "Content-Disposition" not in response:
            continue
        served.add(base_name(key))
        problem = _problem(response)
        if problem:
            wrong.append(f"{key}: {problem}")
    assert GENERATED <= served, f"not reached: {GENERATED - served}"
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("key", "query"), EXPORTS)
def test_exports_are_private_and_unsniffed(client, world, key, query):
    response = _open(client, world, key, query)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert _problem(response) is None, _problem(response)
