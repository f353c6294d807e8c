"""The applicant's screens through the test client: access, editing, review, submission, amendments."""

import re
import shutil
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.enums import ArtefactStatus
from surveys import urls as survey_urls
from surveys.enums import ApplicationStatus
from surveys.models import Application, ApplicationVersion, Attachment, Survey
from surveys.services import applications as service
from tests.applications.conftest import make_open_survey
from tests.factories import MINIMAL_PDF, make_user, store_pdf
from tests.factories import complete_answers as answers_for
from tests.shared_world import storage_settings, world_settings

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF
FIRST_NAME = "협동로봇용 고정밀 감속기"
SECOND_NAME = "협동로봇용 초정밀 감속기"


# -- helpers -------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, in document order."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: ("" if v is None else v) for k, v in attrs}))


def tags(response, tag: str | None = None, **attrs) -> list[dict]:
    parser = _Tags()
    parser.feed(response.content.decode())
    return [
        a
        for t, a in parser.tags
        if (tag is None or t == tag) and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def input_value(response, element_id: str) -> str | None:
    found = tags(response, "input", id=element_id)
    return found[0].get("value") if found else None


def textarea_text(response, element_id: str) -> str | None:
    match = re.search(
        rf'<textarea[^>]*id="{re.escape(element_id)}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    return match.group(1).strip() if match else None


def page_revision(response) -> int:
    return int(input_value(response, "id_revision"))


def _organization(user):
    return user.memberships.get().organization


def _fill(application, answers, actor):
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=actor
        )
    return application


def _edit_url(application, section):
    return reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": section})


def _messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def _body(response) -> bytes:
    # Consuming the stream closes the response the way the test client expects; closing it again
    # would fire request_finished and close the test's database connection.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def draft(open_survey, applicant):
    return service.application_create(open_survey, organization=_organization(applicant), actor=applicant)


@pytest.fixture
def member_client(client, applicant):
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    return client


# -- 1. access matrix ----------------------------------------------------------------------

APPLICATION_URL_NAMES = sorted(
    p.name for p in survey_urls.urlpatterns if p.name and p.name.startswith(("application_", "attachment_", "version_"))
)

ACTORS = [
    "anonymous",
    "member",
    "former_member",
    "other_applicant",
    "other_association",
    "ministry_liaison",
    "reviewer",
    "secretary",
    "ministry_admin",
]
#: Signed-in users with nowhere to file from for this call (the other organisations are eligible).
NO_FILING_ORGANISATION = {"former_member", "ministry_liaison", "reviewer", "secretary", "ministry_admin"}

# kind: "read" — members and ministry admins may see it; "edit" — members only;
# "list" and "start" are not about one application and have their own expectations.
ROWS = {
    "application_start": SimpleNamespace(method="post", kind="start", kwargs=lambda w: {"pk": w.survey.pk}),
    "application_list": SimpleNamespace(method="get", kind="list", kwargs=lambda w: {}),
    "application_detail": SimpleNamespace(method="get", kind="read", kwargs=lambda w: {"pk": w.application.pk}),
    "application_edit": SimpleNamespace(
        method="get", kind="edit", kwargs=lambda w: {"pk": w.application.pk, "section": "basic"}
    ),
    "application_attachments": SimpleNamespace(method="get", kind="edit", kwargs=lambda w: {"pk": w.application.pk}),
    "attachment_remove": SimpleNamespace(
        method="post",
        kind="edit",
        redirect="surveys:application_attachments",
        kwargs=lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk},
    ),
    "attachment_download": SimpleNamespace(
        method="get", kind="read", kwargs=lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk}
    ),
    "application_review": SimpleNamespace(method="get", kind="edit", kwargs=lambda w: {"pk": w.application.pk}),
    "application_submit": SimpleNamespace(
        method="post", kind="edit", redirect="surveys:application_detail", kwargs=lambda w: {"pk": w.application.pk}
    ),
    "application_withdraw": SimpleNamespace(
        method="post", kind="edit", redirect="surveys:application_detail", kwargs=lambda w: {"pk": w.application.pk}
    ),
    "version_detail": SimpleNamespace(
        method="get", kind="read", kwargs=lambda w: {"pk": w.application.pk, "number": 1}
    ),
    "version_pdf": SimpleNamespace(method="get", kind="read", kwargs=lambda w: {"pk": w.application.pk, "number": 1}),
    "application_record_pdf": SimpleNamespace(method="get", kind="read", kwargs=lambda w: {"pk": w.application.pk}),
    # the answers as they stand, marked as a draft: for the organisation's own filers only
    "application_draft_pdf": SimpleNamespace(method="get", kind="edit", kwargs=lambda w: {"pk": w.application.pk}),
    "version_diff": SimpleNamespace(
        method="get", kind="read", query="?a=1&b=2", kwargs=lambda w: {"pk": w.application.pk}
    ),
}


def _build_world(open_survey, applicant, admin, complete_answers):
    """Organisation A's application: an attachment, two submitted versions, the first with its PDF (stored as the
    render task would store it: rendering is tested in test_submission and tests/portal/test_pdf.py)."""
    organization = _organization(applicant)
    application = service.application_create(open_survey, organization=organization, actor=applicant)
    attachment = service.attachment_add(application, upload=SimpleUploadedFile("사업계획서.pdf", PDF), actor=applicant)
    application.refresh_from_db()
    application = _fill(application, complete_answers, applicant)
    service.application_submit(application, actor=applicant)
    store_pdf(application.versions.filter(number=1), pdf_status=ArtefactStatus.READY)
    application.refresh_from_db()
    application = service.application_save_draft(
        application,
        section="basic",
        data={**complete_answers["basic"], "technology_name": SECOND_NAME},
        revision=application.revision,
        actor=applicant,
    )
    service.application_submit(application, actor=applicant)
    application.refresh_from_db()
    assert application.versions.get(number=1).pdf
    return SimpleNamespace(
        survey=open_survey, organization=organization, application=application, attachment=attachment, admin=admin
    )


def _actor(kind, world):
    if kind == "anonymous":
        return None
    if kind == "member":  # a colleague in organisation A, not the manager who created the application
        return make_user("applicant", organization=world.organization)
    if kind == "former_member":  # was a member of A; the membership is no longer active
        user = make_user("applicant", organization=world.organization)
        user.memberships.update(is_active=False)
        return user
    if kind == "ministry_admin":
        return world.admin
    return make_user({"other_applicant": "applicant", "other_association": "association_staff"}.get(kind, kind))


def _state(world):
    application = Application.objects.get(pk=world.application.pk)
    return (
        application.status,
        application.revision,
        application.version_count,
        Attachment.objects.get(pk=world.attachment.pk).removed_at,
        Application.objects.filter(organization=world.organization).count(),
    )


def test_every_application_url_has_an_access_row():
    assert APPLICATION_URL_NAMES, "no application URLs found"
    assert set(APPLICATION_URL_NAMES) == set(ROWS), (
        f"rows missing for {sorted(set(APPLICATION_URL_NAMES) - set(ROWS))}, "
        f"stale rows {sorted(set(ROWS) - set(APPLICATION_URL_NAMES))}"
    )


@pytest.fixture(scope="class")
def access_matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of ``TestAccessMatrix``, built once for the class (on each pytest-xdist worker) inside a transaction
    that each test's own savepoint rolls back to; the class's last test rolls it back."""
    from surveys.criteria import ensure_default_fields
    from surveys.models import Field

    media = tmp_path_factory.mktemp("access-matrix-media")
    with django_db_blocker.unblock(), override_settings(**world_settings(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_default_fields(Field)
            admin = make_user("admin")
            applicant = make_user("applicant", manager=True)
            survey = make_open_survey(admin)
            world = _build_world(survey, applicant, admin, answers_for(survey))
            world.media = media
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class TestAccessMatrix:
    """Every application URL as every actor, on one world built for the whole class."""

    @pytest.fixture
    def world(self, access_matrix_world, db, settings, tmp_path):
        """The class's world for one test, with a fresh copy of its files (a test may remove an attachment)."""
        media = tmp_path / "access-matrix-media"
        shutil.copytree(access_matrix_world.media, media)
        for name, value in storage_settings(media).items():
            setattr(settings, name, value)
        return access_matrix_world

    @pytest.mark.parametrize("actor", ACTORS)
    @pytest.mark.parametrize("name", APPLICATION_URL_NAMES)
    def test_application_url_access(self, name, actor, world, client):
        row = ROWS.get(name)
        assert row is not None, f"the access matrix has no row for the new URL {name!r}"
        user = _actor(actor, world)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        url = reverse(f"surveys:{name}", kwargs=row.kwargs(world)) + getattr(row, "query", "")
        before = _state(world)
        response = getattr(client, row.method)(url)
        body = _body(response)

        if actor == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
            assert _state(world) == before
            return

        if row.kind == "list":
            assert response.status_code == 200
            detail = reverse("surveys:application_detail", kwargs={"pk": world.application.pk})
            assert (f'href="{detail}"'.encode() in body) == (actor == "member")
            return

        if row.kind == "start":
            ours = Application.objects.filter(organization=world.organization).count()
            if actor in NO_FILING_ORGANISATION:
                assert response.status_code == 404
                assert _state(world) == before
                return
            assert response.status_code == 302
            created = Application.objects.latest("pk")
            assert response["Location"] == _edit_url(created, "basic")
            assert created.created_by == user
            assert (created.organization_id == world.organization.pk) == (actor == "member")
            assert ours == before[-1] + (1 if actor == "member" else 0)
            return

        may = actor == "member" or (actor == "ministry_admin" and row.kind == "read")
        if not may:
            assert response.status_code == 404
            assert _state(world) == before
            return
        if row.method == "get":
            assert response.status_code == 200
            if name in {"version_pdf", "attachment_download", "application_draft_pdf"}:
                assert body.startswith(b"%PDF")
            return
        assert response.status_code == 302
        assert response["Location"] == reverse(row.redirect, kwargs={"pk": world.application.pk})
        application = Application.objects.get(pk=world.application.pk)
        if name == "attachment_remove":
            assert Attachment.objects.get(pk=world.attachment.pk).removed_at is not None
        elif name == "application_submit":
            assert application.version_count == 3
        elif name == "application_withdraw":
            assert application.status == ApplicationStatus.WITHDRAWN

    @pytest.mark.parametrize("actor", ACTORS)
    def test_manage_extensions_is_for_ministry_admins_only(self, actor, world, client):
        user = _actor(actor, world)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(reverse("surveys:manage_extensions", kwargs={"pk": world.survey.pk}))
        if actor == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        elif actor == "ministry_admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 404


# -- 2. the edit flow ----------------------------------------------------------------------


def test_next_saves_the_section_and_returning_shows_the_saved_values(member_client, draft):
    response = member_client.get(_edit_url(draft, "basic"))
    assert response.status_code == 200
    assert tags(response, "input", id="id_basic-technology_name")
    revision = page_revision(response)
    assert revision == draft.revision

    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": revision,
            "action": "next",
            "basic-technology_name": FIRST_NAME,
            "basic-field": "ROB",
            "basic-summary": "반복정밀도 요약",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _edit_url(draft, "specification")
    draft.refresh_from_db()
    assert draft.answers["basic"] == {"technology_name": FIRST_NAME, "field": "ROB", "summary": "반복정밀도 요약"}
    assert draft.revision == revision + 1
    assert draft.title == FIRST_NAME

    response = member_client.get(_edit_url(draft, "basic"))
    assert response.status_code == 200
    assert input_value(response, "id_basic-technology_name") == FIRST_NAME
    assert textarea_text(response, "id_basic-summary") == "반복정밀도 요약"
    assert page_revision(response) == draft.revision


def test_previous_saves_and_goes_back(member_client, draft):
    response = member_client.post(
        _edit_url(draft, "specification"),
        {
            "revision": draft.revision,
            "action": "previous",
            "specification-specification": "토크 밀도 50 Nm/kg",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _edit_url(draft, "basic")
    draft.refresh_from_db()
    assert draft.answers["specification"] == {"specification": "토크 밀도 50 Nm/kg"}


def test_next_on_the_last_section_leads_to_the_attachments(member_client, draft, open_survey):
    question = open_survey.questions.get()
    response = member_client.post(
        _edit_url(draft, "extra"),
        {
            "revision": draft.revision,
            "action": "next",
            f"extra-{question.field_name}": "35",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:application_attachments", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.answers["extra"] == {question.field_name: "35"}


def test_an_unknown_section_is_404(member_client, draft):
    assert member_client.get(_edit_url(draft, "no-such-section")).status_code == 404


def test_a_non_number_is_kept_in_the_form_and_the_draft_with_a_field_error(member_client, draft):
    response = member_client.post(
        _edit_url(draft, "level"),
        {
            "revision": draft.revision,
            "action": "save",
            "level-domestic_level": "팔십오 퍼센트",
            "level-world_leader": "일본 H사",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["domestic_level"]] == ["invalid"]
    # Fields merely left empty are not flagged on a plain save.
    assert set(form.errors) == {"domestic_level"}
    assert input_value(response, "id_level-domestic_level") == "팔십오 퍼센트"
    assert "is-invalid" in tags(response, "input", id="id_level-domestic_level")[0]["class"]
    assert tags(response, id="error_1_id_level-domestic_level")
    assert input_value(response, "id_level-world_leader") == "일본 H사"
    draft.refresh_from_db()
    assert draft.answers["level"] == {"domestic_level": "팔십오 퍼센트", "world_leader": "일본 H사"}
    assert page_revision(response) == draft.revision


def test_next_with_a_non_number_stays_on_the_section(member_client, draft):
    response = member_client.post(
        _edit_url(draft, "level"),
        {
            "revision": draft.revision,
            "action": "next",
            "level-domestic_level": "abc",
        },
    )
    assert response.status_code == 200
    assert response.context["section"].key == "level"
    assert "domestic_level" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.answers["level"]["domestic_level"] == "abc"


def test_a_stale_post_is_409_keeps_the_typed_text_and_the_colleagues_save(member_client, draft, applicant):
    colleague = make_user("applicant", organization=_organization(applicant))
    opened = member_client.get(_edit_url(draft, "basic"))
    started_from = page_revision(opened)
    service.application_save_draft(
        draft, section="basic", data={"technology_name": "동료의 기술명"}, revision=started_from, actor=colleague
    )

    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": started_from,
            "action": "save",
            "basic-technology_name": "나의 기술명",
        },
    )
    assert response.status_code == 409
    assert tags(response, data_testid="stale-warning")
    assert input_value(response, "id_basic-technology_name") == "나의 기술명"
    assert any(level == message_levels.ERROR for level, _text in _messages(response))
    draft.refresh_from_db()
    assert draft.answers["basic"] == {"technology_name": "동료의 기술명"}
    assert draft.updated_by == colleague
    assert draft.revision == started_from + 1


def test_a_post_without_a_revision_is_treated_as_stale(member_client, draft):
    response = member_client.post(_edit_url(draft, "basic"), {"action": "save", "basic-technology_name": "무명"})
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.answers == {}


def test_htmx_autosave_saves_and_swaps_in_the_new_revision(member_client, draft):
    revision = draft.revision
    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": revision,
            "action": "autosave",
            "basic-technology_name": "자동 저장된 기술명",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.answers["basic"] == {"technology_name": "자동 저장된 기술명"}
    assert draft.revision == revision + 1
    swapped = tags(response, "input", id="id_revision")
    assert len(swapped) == 1
    assert swapped[0]["name"] == "revision"
    assert swapped[0]["hx-swap-oob"] == "true"
    assert swapped[0]["value"] == str(draft.revision)
    # A fragment, not a page.
    assert b"<html" not in response.content


def test_a_stale_htmx_autosave_reports_and_saves_nothing(member_client, draft, applicant):
    colleague = make_user("applicant", organization=_organization(applicant))
    service.application_save_draft(
        draft, section="basic", data={"technology_name": "먼저 저장"}, revision=draft.revision, actor=colleague
    )
    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": draft.revision,
            "action": "autosave",
            "basic-technology_name": "늦은 저장",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert not tags(response, "input", id="id_revision")
    assert tags(response, "span", **{"class": "text-danger"})
    refreshed = Application.objects.get(pk=draft.pk)
    assert refreshed.answers["basic"] == {"technology_name": "먼저 저장"}
    assert refreshed.revision == draft.revision + 1


# -- 3. review and submission --------------------------------------------------------------


def _submit_button(response):
    submit = reverse("surveys:application_submit", kwargs={"pk": response.context["application"].pk})
    html = response.content.decode()
    match = re.search(rf'<form[^>]*action="{re.escape(submit)}".*?</form>', html, re.S)
    assert match, "no submit form"
    parser = _Tags()
    parser.feed(match.group(0))
    buttons = [a for t, a in parser.tags if t == "button" and a.get("type") == "submit"]
    assert len(buttons) == 1
    return buttons[0]


def test_review_links_each_missing_field_and_disables_submit(member_client, draft, open_survey):
    response = member_client.get(reverse("surveys:application_review", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert tags(response, data_testid="missing-list")
    hrefs = {a["href"] for a in tags(response, "a")}
    question = open_survey.questions.get()
    for section, field in [
        ("basic", "technology_name"),
        ("level", "domestic_level"),
        ("criteria", "criterion_1"),
        ("contact", "contact_email"),
        ("extra", question.field_name),
    ]:
        assert f"{_edit_url(draft, section)}#id_{section}-{field}" in hrefs
    missing = service.completeness(draft)
    assert len([h for h in hrefs if "#id_" in h]) == len(missing)
    assert "disabled" in _submit_button(response)


def test_the_missing_anchor_exists_on_the_edit_page(member_client, draft):
    response = member_client.get(_edit_url(draft, "level"))
    assert tags(response, "input", id="id_level-domestic_level")


def test_submitting_a_complete_application_through_the_view(
    member_client, draft, applicant, complete_answers, django_capture_on_commit_callbacks
):
    application = _fill(draft, complete_answers, applicant)
    review = member_client.get(reverse("surveys:application_review", kwargs={"pk": application.pk}))
    assert not tags(review, data_testid="missing-list")
    button = _submit_button(review)
    assert "disabled" not in button
    revision = int(re.search(r'name="revision" value="(\d+)"', review.content.decode()).group(1))
    assert revision == application.revision

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("surveys:application_submit", kwargs={"pk": application.pk}), {"revision": revision}
        )
    detail_url = reverse("surveys:application_detail", kwargs={"pk": application.pk})
    assert response.status_code == 302
    assert response["Location"] == detail_url
    version = ApplicationVersion.objects.get(application=application)
    assert version.number == 1

    detail = member_client.get(detail_url)
    assert detail.status_code == 200
    assert (
        re.search(r'data-testid="receipt-number">([^<]+)<', detail.content.decode()).group(1) == version.receipt_number
    )
    pdf_links = tags(detail, "a", data_testid="pdf-link")
    pdf_url = reverse("surveys:version_pdf", kwargs={"pk": application.pk, "number": 1})
    assert [a["href"] for a in pdf_links] == [pdf_url]

    pdf = member_client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert f"{version.receipt_number}-v1.pdf" in pdf["Content-Disposition"]
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert _body(pdf).startswith(b"%PDF")


def test_the_pdf_link_waits_for_the_pdf(member_client, draft, applicant, complete_answers):
    application = _fill(draft, complete_answers, applicant)
    response = member_client.post(
        reverse("surveys:application_submit", kwargs={"pk": application.pk}), {"revision": application.revision}
    )
    assert response.status_code == 302
    detail = member_client.get(response["Location"])
    assert tags(detail, data_testid="receipt-number")
    assert not tags(detail, "a", data_testid="pdf-link")
    assert (
        member_client.get(reverse("surveys:version_pdf", kwargs={"pk": application.pk, "number": 1})).status_code == 404
    )


def test_submitting_an_incomplete_application_redirects_to_the_review(member_client, draft):
    response = member_client.post(
        reverse("surveys:application_submit", kwargs={"pk": draft.pk}), {"revision": draft.revision}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:application_review", kwargs={"pk": draft.pk})
    assert any(level == message_levels.ERROR for level, _text in _messages(response))
    assert not ApplicationVersion.objects.filter(application=draft).exists()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submitting_from_a_stale_review_page_is_refused(member_client, draft, applicant, complete_answers):
    application = _fill(draft, complete_answers, applicant)
    stale = application.revision
    service.application_save_draft(
        application,
        section="basic",
        data={**complete_answers["basic"], "technology_name": "동료가 바꾼 이름"},
        revision=stale,
        actor=applicant,
    )
    response = member_client.post(
        reverse("surveys:application_submit", kwargs={"pk": application.pk}), {"revision": stale}
    )
    assert response["Location"] == reverse("surveys:application_review", kwargs={"pk": application.pk})
    assert not ApplicationVersion.objects.filter(application=application).exists()


# -- 4. after the deadline -----------------------------------------------------------------


def _close(survey):
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(seconds=1))


def test_after_the_deadline_the_form_is_disabled(member_client, draft, open_survey):
    before = member_client.get(_edit_url(draft, "basic"))
    assert "disabled" not in tags(before, "fieldset")[0]
    _close(open_survey)
    response = member_client.get(_edit_url(draft, "basic"))
    assert response.status_code == 200
    assert "disabled" in tags(response, "fieldset")[0]
    assert "inert" in tags(response, "form", **{"class": "application-form"})[0]
    buttons = [b for b in tags(response, "button") if b.get("name") == "action"]
    assert buttons and all("disabled" in b for b in buttons)


def test_after_the_deadline_a_save_is_400_and_the_draft_is_unchanged(member_client, draft, applicant, open_survey):
    draft = service.application_save_draft(
        draft, section="basic", data={"technology_name": "마감 전 이름"}, revision=draft.revision, actor=applicant
    )
    _close(open_survey)
    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": draft.revision,
            "action": "save",
            "basic-technology_name": "마감 후 이름",
        },
    )
    assert response.status_code == 400
    assert input_value(response, "id_basic-technology_name") == "마감 후 이름"
    assert any(level == message_levels.ERROR for level, _text in _messages(response))
    refreshed = Application.objects.get(pk=draft.pk)
    assert refreshed.answers == {"basic": {"technology_name": "마감 전 이름"}}
    assert refreshed.revision == draft.revision


def test_after_the_deadline_submit_redirects_with_an_error_and_creates_no_version(
    member_client, draft, applicant, complete_answers, open_survey
):
    application = _fill(draft, complete_answers, applicant)
    _close(open_survey)
    deadline = timezone.localtime(Survey.objects.get(pk=open_survey.pk).deadline).strftime("%Y-%m-%d %H:%M")
    response = member_client.post(
        reverse("surveys:application_submit", kwargs={"pk": application.pk}), {"revision": application.revision}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:application_review", kwargs={"pk": application.pk})
    errors = [text for level, text in _messages(response) if level == message_levels.ERROR]
    assert len(errors) == 1 and deadline in errors[0]
    assert not ApplicationVersion.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    review = member_client.get(response["Location"])
    assert review.status_code == 200
    submit = reverse("surveys:application_submit", kwargs={"pk": application.pk})
    assert not tags(review, "form", action=submit)


# -- 5. withdraw, undo, amend, diff --------------------------------------------------------


def test_withdraw_and_undo_through_the_view(member_client, draft, applicant, complete_answers):
    application = _fill(draft, complete_answers, applicant)
    service.application_submit(application, actor=applicant)
    url = reverse("surveys:application_withdraw", kwargs={"pk": application.pk})
    detail = reverse("surveys:application_detail", kwargs={"pk": application.pk})

    response = member_client.post(url)
    assert response.status_code == 302 and response["Location"] == detail
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = member_client.get(detail)
    assert tags(page, "form", action=url)
    assert not tags(page, "a", href=_edit_url(application, "basic"))

    response = member_client.post(url)
    assert response.status_code == 302 and response["Location"] == detail
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.version_count == 1
    assert tags(member_client.get(detail), "a", href=_edit_url(application, "basic"))


def test_withdraw_after_the_deadline_is_refused(member_client, draft, applicant, complete_answers, open_survey):
    application = _fill(draft, complete_answers, applicant)
    service.application_submit(application, actor=applicant)
    _close(open_survey)
    response = member_client.post(reverse("surveys:application_withdraw", kwargs={"pk": application.pk}))
    assert response.status_code == 302
    assert any(level == message_levels.ERROR for level, _text in _messages(response))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_amending_creates_version_2_and_the_diff_lists_the_new_name(member_client, draft, applicant, complete_answers):
    application = _fill(draft, complete_answers, applicant)
    submit = reverse("surveys:application_submit", kwargs={"pk": application.pk})
    assert member_client.post(submit, {"revision": application.revision}).status_code == 302
    application.refresh_from_db()
    assert application.version_count == 1

    basic = {f"basic-{k}": v for k, v in complete_answers["basic"].items()}
    response = member_client.post(
        _edit_url(application, "basic"),
        {
            **basic,
            "basic-technology_name": SECOND_NAME,
            "revision": application.revision,
            "action": "save",
        },
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.answers["basic"]["technology_name"] == SECOND_NAME
    assert member_client.post(submit, {"revision": application.revision}).status_code == 302
    versions = list(ApplicationVersion.objects.filter(application=application).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].answers["basic"]["technology_name"] == FIRST_NAME
    assert versions[1].answers["basic"]["technology_name"] == SECOND_NAME
    assert versions[0].receipt_number == versions[1].receipt_number

    diff = member_client.get(reverse("surveys:version_diff", kwargs={"pk": application.pk}) + "?a=1&b=2")
    assert diff.status_code == 200
    assert len(diff.context["changes"]) == 1
    html = diff.content.decode()
    assert f"<del>{FIRST_NAME}</del>" in html
    assert f"<ins>{SECOND_NAME}</ins>" in html
    assert "한빛로보틱스" not in html  # unchanged answers are not listed

    version = member_client.get(reverse("surveys:version_detail", kwargs={"pk": application.pk, "number": 1}))
    body = version.content.decode().split("<h1", 1)[1]  # past the breadcrumbs, which name the current draft
    assert FIRST_NAME in body and SECOND_NAME not in body


@pytest.mark.parametrize("query", ["", "?a=1", "?a=x&b=2", "?a=1&b=9"])
def test_a_diff_with_bad_version_numbers_is_404(member_client, draft, applicant, complete_answers, query):
    application = _fill(draft, complete_answers, applicant)
    service.application_submit(application, actor=applicant)
    response = member_client.get(reverse("surveys:version_diff", kwargs={"pk": application.pk}) + query)
    assert response.status_code == 404


# -- 7. query counts -----------------------------------------------------------------------


def _more_applications(survey, organization, actor, start, stop):
    for i in range(start, stop):
        application = service.application_create(survey, organization=organization, actor=actor)
        service.application_save_draft(
            application,
            section="basic",
            data={"technology_name": f"기술 {i}"},
            revision=application.revision,
            actor=actor,
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", ["/applications/", "/dashboard/applicant/"])
def test_lists_use_the_same_number_of_queries_for_2_and_20_applications(url, member_client, open_survey, applicant):
    organization = _organization(applicant)
    _more_applications(open_survey, organization, applicant, 0, 2)
    member_client.get(url)  # session and language set-up happen once
    small, response = _count(member_client, url)
    assert response.content.count(b'href="/applications/') >= 2
    _more_applications(open_survey, organization, applicant, 2, 20)
    large, response = _count(member_client, url)
    assert response.content.count(b"\xea\xb8\xb0\xec\x88\xa0 19") == 1  # "기술 19" is listed
    assert small == large, f"{url}: {small} queries for 2 applications, {large} for 20"
    assert large <= 15


# -- length limits on a draft ---------------------------------------------------------------


def test_a_too_long_summary_is_not_saved_and_the_typed_text_is_kept(member_client, draft):
    typed = "가" * 2001
    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": draft.revision,
            "action": "save",
            "basic-technology_name": FIRST_NAME,
            "basic-summary": typed,
        },
    )
    assert response.status_code == 400
    assert textarea_text(response, "id_basic-summary") == typed
    assert input_value(response, "id_basic-technology_name") == FIRST_NAME
    errors = [text for level, text in _messages(response) if level == message_levels.ERROR]
    assert errors and "2,000" in errors[0] and "2,001" in errors[0]
    assert "max_length" in [e.code for e in response.context["form"].errors.as_data()["summary"]]
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_huge_raw_number_is_not_kept_in_the_draft(member_client, draft):
    response = member_client.post(
        _edit_url(draft, "level"),
        {
            "revision": draft.revision,
            "action": "autosave",
            "level-domestic_level": "9" * 5000,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "5,000" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}


def test_the_service_refuses_a_nine_megabyte_summary(draft, applicant):
    with pytest.raises(service.DomainError) as error:
        service.application_save_draft(
            draft, section="basic", data={"summary": "x" * 9_000_000}, revision=draft.revision, actor=applicant
        )
    assert error.value.code == "too_long"
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_three_megabyte_form_post_is_refused_before_it_is_read(member_client, draft):
    response = member_client.post(
        _edit_url(draft, "basic"),
        {
            "revision": draft.revision,
            "action": "save",
            "basic-technology_name": FIRST_NAME,
            "padding": "x" * 3_000_000,
        },
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_request_larger_than_all_attachments_together_is_413(member_client, draft, settings):
    response = member_client.post(
        _edit_url(draft, "basic"),
        {"revision": draft.revision},
        CONTENT_LENGTH=str(settings.ATTACHMENT_MAX_TOTAL_SIZE + 4 * 2**20),
    )
    assert response.status_code == 413
    assert "MB" in response.content.decode()
