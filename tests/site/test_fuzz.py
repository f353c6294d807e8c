"""Hypothesis sends generated values to every form and upload endpoint of the portal: no answer is a server error.

The endpoints come from the access matrix: every POST row, and every page a form on a matrix page submits to. The
pages are fetched as each role that may open them and their ``<form>``s read (field names, choices, file inputs);
``test_every_form_is_fuzzed`` fails when a page renders a form whose target is not fuzzed here.
"""

import os
import string
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.site.test_url_matrix import MATRIX, ROLE_PREFERENCE, base_name, permitted_role, third_party, url_of
from tests.site.world import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # fuzzes every form and URL of the site: thousands of requests

#: Matrix pages that post a form back to themselves.
FORM_PAGES = {
    "signup_request",
    "manage_signup_detail",
    "manage_user_list",
    "organization_members",
    "surveys:manage_new",
    "surveys:manage_edit",
    "surveys:manage_criteria",
    "surveys:manage_questions",
    "surveys:manage_guidance",
    "surveys:manage_briefing_new",
    "surveys:manage_briefing_edit",
    "surveys:manage_recipients",
    "surveys:manage_inquiry_answer",
    "surveys:manage_extensions",
    "surveys:application_edit",
    "surveys:application_attachments",
    "surveys:collection_application",
    "surveys:intake_application",
    "surveys:intake_candidates",
    "surveys:invitation_decline",
    "review:pledge",
    "review:assignment",
    "review:exclusions",
    "review:overview",
    "review:panel",
    "review:candidate_assign",
    "review:committee_field",
    "review:committee_confirm",
    "review:hearing_candidate",
    "review:hearing_answer",
    "review:national_meetings",
    "review:national_meeting",
    "review:resolution_correct",
    "review:notices",
    "review:notice_edit",
    "review:notice_revoke",
    "review:notice_item",
    "review:objection_manage",
    "review:objection_opinion",
    "review:re_review",
    "review:complex_notice_item",
    "review:complex_register_change",
    "review:site_visits",
    "surveys:manage_categories",
    "user_settings",
    "review:layers_setup",
    "review:layer_judgement",
    "review:selection",
    "review:selection_proposal",
    "review:layer_panel",
}
#: Matrix pages with a search or filter form (``method="get"``): their query strings are fuzzed.
SEARCH_PAGES = {
    "manage_user_list",
    "manage_audit_list",
    "surveys:access_log",
    "surveys:version_diff",
    "surveys:intake_list",
    "review:hearing_manage",
    "review:register",
    "review:complex_register",
    "review:search",
    "review:rnd_selected",
}
POST_ROWS = {base_name(key) for key, row in MATRIX.items() if row.method == "post"}
TARGETS = sorted(POST_ROWS | FORM_PAGES | SEARCH_PAGES)

SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


# -- reading forms --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # the input type, or "select" / "textarea" / "button"
    values: tuple  # values the page offers (options, radio and checkbox values, hidden and prefilled values)


@dataclass(frozen=True)
class Form:
    view_name: str
    action: str  # path (and query) the form submits to
    method: str
    role: str
    fields: tuple

    @property
    def key(self):
        return self.view_name, self.method, tuple(sorted(f.name for f in self.fields))


class FormReader(HTMLParser):
    """The forms of a page: method, action, and each named field with the values the page offers."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            field = self._form["fields"].setdefault(attrs["name"], {"kind": kind, "values": []})
            if attrs.get("value"):
                field["values"].append(attrs["value"])
            self._select = field if tag == "select" else None
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select["values"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def read_forms(html: str, page: str, role: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    forms = []
    for form in reader.forms:
        action = form["action"] or page
        if action.startswith("?"):
            action = page + action
        view_name = _view_name(urlsplit(action).path)
        fields = tuple(
            FormField(name, f["kind"], tuple(dict.fromkeys(f["values"])))
            for name, f in form["fields"].items()
            if name not in SKIPPED_FIELDS
        )
        forms.append(Form(view_name, action, form["method"], role, fields))
    return forms


def _log_in(client, world, role):
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")


def _pages_by_role(world) -> dict[str, list[tuple[str, dict]]]:
    """Each role's matrix pages (GET rows it may open), as (URL, query)."""
    pages = {role: [] for role in ROLE_PREFERENCE}
    for key, row in MATRIX.items():
        if row.method == "get":
            for role in ROLE_PREFERENCE:
                if row.expected[role] == 200:
                    pages[role].append((url_of(key, world), row.data(world)))
    return pages


@pytest.fixture(scope="module")
def discovered(site_world, django_db_blocker) -> dict[str, list[Form]]:
    """The forms of every matrix page, read as each role the page opens for, by the view they submit to."""
    client = Client()
    found: dict[str, dict] = {}
    downloads = set()  # files, not pages: fetched once
    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        try:
            for role, pages in _pages_by_role(site_world).items():
                _log_in(client, site_world, role)
                for page, query in pages:
                    if page in downloads:
                        continue
                    response = client.get(page, query)
                    if "html" not in response.get("Content-Type", ""):
                        downloads.add(page)
                        continue
                    for form in read_forms(response.content.decode(), page, role):
                        found.setdefault(form.view_name, {}).setdefault(form.key, form)
        finally:
            transaction.savepoint_rollback(savepoint)
    return {name: list(forms.values()) for name, forms in found.items()}


# -- generated values -------------------------------------------------------------------------------------------

KOREAN = "가나다라마바사아자차카타파하한국기술협회산업통상자원부고시 "
CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u202e\ufeff"
TEXT = st.one_of(
    st.just(""),
    st.text(alphabet=KOREAN, min_size=1, max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    st.text(alphabet=CONTROL + string.ascii_letters, min_size=1, max_size=20),
    st.builds(
        lambda character, size: character * size,
        st.sampled_from(["가", "x", " ", "\n"]),
        st.sampled_from([300, 5000, 30000]),
    ),  # very long
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "inf", "3.1415926535897932384626", "１２３", "0x1F", "1,000"]),
    st.sampled_from(
        [
            "2026-02-30",
            "0000-00-00",
            "9999-12-31",
            "2026-13-01",
            "99999-01-01",
            "1900-01-01",
            "어제",
            "24:61",
            "2026/01/01",
            "2026-01-01T25:00",
        ]
    ),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "%00",
            "{{ 7*7 }}",
            '=HYPERLINK("http://x")',
            "a@b",
            "@@@",
            "user@example.com",
        ]
    ),
    st.sampled_from(["\x00", "기술\x00명", "a\x00@example.com", "2026-01-01\x00", "1\x00"]),  # PostgreSQL refuses NUL
)
FILE_CONTENT = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from(
        [
            b"",
            PDF,
            b"PK\x03\x04broken-zip",
            b"\x89PNG\r\n\x1a\n",
            b"MZ\x90\x00",
            "기관명,담당자,이메일\n한빛,김담당,ceo@hanbit.example\n,,bad\n".encode(),
            "성명,소속,전문분야,이메일\n김평가,연구원,로봇,kim@review.example\n".encode("cp949"),
        ]
    ),
    st.integers(min_value=1, max_value=6000).map(lambda n: ("\ufeff기관명,이메일\n" + "x," * n).encode()),
)
FILE_NAME = st.builds(
    lambda stem, extension: f"{stem}{extension}",
    st.text(alphabet=KOREAN + string.ascii_letters + string.digits + " .-_()[]#%&+,;=~", max_size=40),
    st.sampled_from(
        [
            "",
            ".pdf",
            ".PDF",
            ".hwp",
            ".hwpx",
            ".docx",
            ".xlsx",
            ".csv",
            ".exe",
            ".pdf.exe",
            ".tar.gz",
            ".",
            "..",
            ".svg",
            ".html",
        ]
    ),
).filter(lambda name: name.strip(".") != "")  # a browser sends no file without a name
UPLOAD = st.builds(lambda name, content: SimpleUploadedFile(name, content), FILE_NAME, FILE_CONTENT)


#: A formset's form counts: junk, but not the 2,000 forms Django would build and render for a huge number.
FORM_COUNT = st.one_of(
    st.integers(min_value=-3, max_value=30).map(str), st.sampled_from(["", "abc", "1e3", "-0", "٣", "3.5", "０"])
)


def _value(field: FormField):
    if field.kind == "file":
        return UPLOAD
    if field.name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
        return st.one_of(st.sampled_from(field.values), FORM_COUNT) if field.values else FORM_COUNT
    if field.values:
        return st.one_of(st.sampled_from(field.values), TEXT)
    return TEXT


def _one_or_many(strategy):
    """A single value, or a list where the form expects one."""
    return st.one_of(strategy, strategy, st.lists(strategy, min_size=2, max_size=3))


def form_data(form: Form):
    """Any subset of the form's fields with generated values, plus now and then a field the form does not have."""
    fields = {f.name: _one_or_many(_value(f)) for f in form.fields}
    extra = {"unexpected": TEXT} if form.method == "post" else {"page": TEXT}
    return st.fixed_dictionaries({}, optional={**fields, **extra})


#: Examples per form: 8 in the suite (about eighty forms); FUZZ_EXAMPLES=200 for a deeper run by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def _forms_for(name: str, discovered, world) -> list[Form]:
    forms = list(discovered.get(name, []))
    if name in POST_ROWS and not any(f.method == "post" for f in forms):
        key = next(k for k in MATRIX if base_name(k) == name)
        forms.append(Form(name, url_of(key, world), "post", permitted_role(MATRIX[key]), ()))
    return forms


def _fuzz(client, world, form: Form) -> None:
    _log_in(client, world, form.role)

    @FUZZ
    @given(form_data(form))
    def send(data):
        response = getattr(client, form.method)(form.action, data)
        assert response.status_code < 500, f"{form.method.upper()} {form.action} as {form.role}: {data!r}"

    send()


CHOICE_KINDS = {"hidden", "select", "radio", "checkbox", "button"}


def _with_nul(form: Form, *, in_choices: bool) -> dict:
    """The form's own values, with NUL in every text field (and, if ``in_choices``, in the choices too)."""
    data = {}
    for field in form.fields:
        if field.kind == "file":
            continue
        if field.values and field.kind in CHOICE_KINDS and not in_choices:
            data[field.name] = field.values[-1]
        else:
            data[field.name] = (field.values[0] if field.values else "가") + "\x00나"
    return data


#: Values that read as numbers to ``str.isdigit()`` or ``int()`` but can be no id: a superscript, an Arabic-Indic
#: digit, and one past the 64-bit range (SQLite cannot even compare it).
NOT_IDS = ("²", "٣", "9223372036854775808")
TEXT_KINDS = {"text", "search", "number", "textarea"}


def _with_not_id(form: Form, name: str, value: str) -> dict:
    """The form's own values, with ``value`` in the field ``name``."""
    data = {f.name: f.values[-1] for f in form.fields if f.values and f.kind != "file"}
    data[name] = value
    return data


def _id_like(field: FormField) -> bool:
    return field.kind in TEXT_KINDS or any(str(v).isdigit() for v in field.values)


# -- tests ------------------------------------------------------------------------------------------------------


def test_every_form_is_fuzzed(discovered):
    """Every form on a matrix page submits to a fuzzed target, and every listed page still has its form."""
    portal = {name for name in discovered if name and not third_party(name)}
    assert portal - set(TARGETS) == set(), f"forms whose target is not fuzzed: add {sorted(portal - set(TARGETS))}"
    gone = {name for name in FORM_PAGES | SEARCH_PAGES if name not in discovered}
    assert not gone, f"listed pages that render no form any more: {sorted(gone)}"
    for name in SEARCH_PAGES:
        assert any(f.method == "get" for f in discovered[name]), name
    for name in FORM_PAGES:
        assert any(f.method == "post" for f in discovered[name]), name


@pytest.mark.parametrize("name", TARGETS)
def test_no_server_error(client, world, discovered, name):
    forms = _forms_for(name, discovered, world)
    assert forms, f"no form reaches {name}"
    for form in forms:
        _fuzz(client, world, form)


def test_nul_characters_are_no_server_error(client, world, discovered):
    """PostgreSQL refuses NUL in text: each form and filter once with NUL in its text fields, once everywhere."""
    failures = []
    for name in TARGETS:
        for form in _forms_for(name, discovered, world):
            _log_in(client, world, form.role)
            for in_choices in (False, True):
                savepoint = transaction.savepoint()
                try:
                    response = getattr(client, form.method)(form.action, _with_nul(form, in_choices=in_choices))
                    problem = None if response.status_code < 500 else response.status_code
                except Exception as error:  # the test client re-raises what the view raised
                    problem = f"{type(error).__name__}: {error}"
                finally:
                    transaction.savepoint_rollback(savepoint)
                if problem:
                    failures.append(f"{form.method.upper()} {form.action} as {form.role}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow  # some 2,000 requests: minutes on CI's two cores
def test_numbers_that_cannot_be_ids_are_no_server_error(client, world, discovered):
    """Each id-like field of each form and filter, one at a time, with each of ``NOT_IDS``."""
    failures = []
    for name in TARGETS:
        for form in _forms_for(name, discovered, world):
            _log_in(client, world, form.role)
            for field in filter(_id_like, form.fields):
                for value in NOT_IDS:
                    savepoint = transaction.savepoint()
                    try:
                        response = getattr(client, form.method)(form.action, _with_not_id(form, field.name, value))
                        problem = None if response.status_code < 500 else response.status_code
                    except Exception as error:  # the test client re-raises what the view raised
                        problem = f"{type(error).__name__}: {error}"
                    finally:
                        transaction.savepoint_rollback(savepoint)
                    if problem:
                        failures.append(
                            f"{form.method.upper()} {form.action} {field.name}={value!r} as {form.role}: {problem}"
                        )
    assert not failures, "\n".join(failures)
