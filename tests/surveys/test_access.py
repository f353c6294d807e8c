"""Every surveys URL × every role. A URL name without a row here fails the coverage test."""

import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import surveys.urls
from portal.enums import OrganizationType
from portal.models import Organization, OutboundMail
from portal.models.identity import AssociationMembership
from surveys.enums import ApplicationStatus, Channel, SurveyStage
from surveys.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Briefing,
    GuidanceFile,
    Inquiry,
    Recipient,
)
from tests.factories import MINIMAL_PDF, make_user
from tests.shared_world import storage_settings, world_settings
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "applicant",
    "association_staff",
    "ministry_liaison",
    "reviewer",
    "secretary",
    "admin",
    "observer",
    "other_applicant",
    "other_association",
]
# "applicant" files the world's applications, "association_staff" works for the association its company belongs
# to, "ministry_liaison" files the ministry-channel application, "observer" is MSIT's read-only co-receiver;
# "other_applicant" is a company with nothing filed here and "other_association" another association's staff.
LOGIN = "login"  # a 302 to the login page
PDF = MINIMAL_PDF


@dataclass
class Case:
    name: str
    kwargs: dict  # values are keys of the world
    expected: dict  # role -> status (or LOGIN)
    method: str = "get"
    query: dict = field(default_factory=dict)  # the query string, or the form data of a POST
    label: str = ""

    @property
    def id(self):
        return f"{self.name}{'-' + self.label if self.label else ''}"


def _each(status, **overrides):
    return {role: overrides.get(role, status) for role in ROLES}


def manage(admin_status):
    return _each(404, anonymous=LOGIN, admin=admin_status)


PUBLIC_200 = _each(200)
DRAFT_FILE = _each(404, admin=200)
ASK_PUBLIC = _each(
    404,
    anonymous=LOGIN,
    applicant=302,
    association_staff=302,
    ministry_liaison=302,
    other_applicant=302,
    other_association=302,
)
ASK_DRAFT = _each(404, anonymous=LOGIN)
OWNER_OR_ADMIN = _each(404, anonymous=LOGIN, applicant=200, admin=200)
OWNER_ONLY = _each(404, anonymous=LOGIN, applicant=200)
OWNER_POST = _each(404, anonymous=LOGIN, applicant=302)
#: The association's collection pages: its staff only (staff of another association get their own association's).
COLLECTION = _each(404, anonymous=LOGIN, association_staff=200, other_association=200)
#: A member company's application through the association: the company, the association and MOTIE.
THROUGH_ASSOCIATION = _each(404, anonymous=LOGIN, applicant=200, association_staff=200, admin=200)
#: A ministry-channel application: the filing ministry, MOTIE and the observing ministry.
MINISTRY_CHANNEL = _each(404, anonymous=LOGIN, ministry_liaison=200, admin=200, observer=200)

S, D = "survey", "draft"
CASES = [
    # Public pages.
    Case("call_list", {}, PUBLIC_200),
    Case("call_detail", {"pk": S}, PUBLIC_200, label="published"),
    Case("call_detail", {"pk": D}, _each(404), label="draft"),
    Case("guidance_download", {"pk": S, "file_pk": "guidance"}, PUBLIC_200, label="published"),
    Case("guidance_download", {"pk": D, "file_pk": "draft_guidance"}, DRAFT_FILE, label="draft"),
    Case("briefing_materials", {"pk": S, "briefing_pk": "briefing"}, PUBLIC_200, label="published"),
    Case("briefing_materials", {"pk": D, "briefing_pk": "draft_briefing"}, DRAFT_FILE, label="draft"),
    Case("ask_question", {"pk": S}, ASK_PUBLIC, method="post", query={"question": "질문"}, label="published"),
    Case("ask_question", {"pk": D}, ASK_DRAFT, method="post", query={"question": "질문"}, label="draft"),
    # The ministry admin's screens.
    Case("manage_list", {}, manage(200)),
    Case("manage_new", {}, manage(200)),
    Case("manage_detail", {"pk": D}, manage(200)),
    Case("manage_edit", {"pk": D}, manage(200)),
    Case("manage_criteria", {"pk": D}, manage(200)),
    Case("manage_questions", {"pk": D}, manage(200)),
    Case("manage_guidance", {"pk": D}, manage(200)),
    Case("manage_guidance_delete", {"pk": D, "file_pk": "draft_guidance"}, manage(302), method="post"),
    Case("manage_briefing_new", {"pk": D}, manage(200)),
    Case("manage_briefing_edit", {"pk": D, "briefing_pk": "draft_briefing"}, manage(200)),
    Case("manage_preview", {"pk": D}, manage(200)),
    Case("manage_stage", {"pk": D}, manage(400), method="post"),
    Case("manage_recipients", {"pk": S}, manage(200)),
    Case("manage_recipients_import", {"pk": S}, manage(400), method="post"),
    Case("manage_invitations", {"pk": S}, manage(302), method="post"),
    Case("manage_invitation_resend", {"pk": S, "recipient_pk": "recipient"}, manage(302), method="post"),
    # The decline link of an invitation mail: the signed token is the permission (the invited may have no account).
    Case("invitation_decline", {"token": "decline_token"}, PUBLIC_200, label="signed"),
    Case("invitation_decline", {"token": "1:forged-signature"}, _each(404), label="forged"),
    Case("manage_inquiries", {"pk": S}, manage(200)),
    Case("manage_inquiry_answer", {"pk": S, "inquiry_pk": "inquiry"}, manage(200)),
    Case("manage_extensions", {"pk": S}, manage(200)),
    Case("access_log", {}, manage(200)),
    # Applications: the applicant's organisation files them; the admin may read them.
    Case(
        "application_start", {"pk": S}, _each(404, anonymous=LOGIN, applicant=302, other_applicant=302), method="post"
    ),
    Case("application_list", {}, _each(200, anonymous=LOGIN)),
    Case("application_detail", {"pk": "application"}, OWNER_OR_ADMIN),
    Case("application_detail", {"pk": "member_application"}, THROUGH_ASSOCIATION, label="association"),
    Case("application_detail", {"pk": "ministry_application"}, MINISTRY_CHANNEL, label="ministry"),
    Case("application_edit", {"pk": "application", "section": "basic"}, OWNER_ONLY),
    Case("application_attachments", {"pk": "application"}, OWNER_ONLY),
    Case("attachment_remove", {"pk": "application", "attachment_pk": "attachment"}, OWNER_POST, method="post"),
    Case("attachment_download", {"pk": "application", "attachment_pk": "attachment"}, OWNER_OR_ADMIN),
    Case("application_review", {"pk": "application"}, OWNER_ONLY),
    Case("application_submit", {"pk": "application"}, OWNER_POST, method="post"),
    Case("application_withdraw", {"pk": "application"}, OWNER_POST, method="post"),
    Case("version_detail", {"pk": "application", "number": "one"}, OWNER_OR_ADMIN),
    Case("version_pdf", {"pk": "application", "number": "one"}, OWNER_OR_ADMIN),
    Case("version_diff", {"pk": "application"}, OWNER_OR_ADMIN, query={"a": 1, "b": 1}),
    Case("application_record_pdf", {"pk": "application"}, OWNER_OR_ADMIN),
    Case("application_record_pdf", {"pk": "member_application"}, THROUGH_ASSOCIATION, label="association"),
    Case("application_record_pdf", {"pk": "ministry_application"}, MINISTRY_CHANNEL, label="ministry"),
    # The association's collection of its member companies' submissions.
    Case("collection_dashboard", {"pk": S}, COLLECTION, query={"association": "association"}),
    Case(
        "collection_forward",
        {"pk": S},
        _each(404, anonymous=LOGIN, association_staff=400, other_association=400),
        method="post",
        query={"association": "association", "cover_letter": "취합 결과를 송부합니다."},
        label="nothing-chosen",
    ),
    Case(
        "collection_deadline",
        {"pk": S},
        _each(404, anonymous=LOGIN, association_staff=302, other_association=302),
        method="post",
        query={"association": "association", "deadline_on": "in_two_days", "deadline_time": "18:00"},
    ),
    Case("collection_application", {"pk": "member_application"}, _each(404, anonymous=LOGIN, association_staff=200)),
    # MOTIE's intake.
    Case("intake_list", {"pk": S}, manage(200)),
    Case("intake_list", {"pk": S}, manage(200), query={"export": "csv"}, label="export"),
    Case("intake_application", {"pk": S, "application_pk": "ministry_application"}, manage(200)),
    Case("intake_candidates", {"pk": S}, manage(200)),
]


def test_every_surveys_url_has_a_row():
    names = {pattern.name for pattern in surveys.urls.urlpatterns}
    from tests.site.test_url_matrix import MATRIX

    covered = {case.name for case in CASES}
    # pages added since the site-wide matrix exists have their role rows there (anonymous to admin)
    in_matrix = {key.split("[")[0].removeprefix("surveys:") for key in MATRIX if key.startswith("surveys:")}
    assert names - covered - in_matrix == set(), f"URLs without an access row: {sorted(names - covered - in_matrix)}"
    assert covered - names == set(), f"rows for URLs that no longer exist: {sorted(covered - names)}"


def test_every_row_names_every_role():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id


def _make_user(role):
    if role == "observer":
        msit = Organization.objects.create(name="과학기술정보통신부", type=OrganizationType.MINISTRY, code="MSIT")
        return make_user("observer", organization=msit)
    return make_user({"other_applicant": "applicant", "other_association": "association_staff"}.get(role, role))


@pytest.fixture(scope="class")
def access_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of ``TestAccess`` with a signed-in session for every role, built once for the class (on each
    pytest-xdist worker) inside a transaction that each test's own savepoint rolls back to; the class's last test
    rolls it back."""
    from surveys.criteria import ensure_default_fields
    from surveys.models import Field

    media = tmp_path_factory.mktemp("surveys-access-media")
    with django_db_blocker.unblock(), override_settings(**world_settings(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_default_fields(Field)
            users, objects = _build_world()
            sessions = {}
            for role, user in users.items():
                signed_in = Client()
                signed_in.force_login(user)
                sessions[role] = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
            yield users, objects, sessions, media
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world():
    users = {role: _make_user(role) for role in ROLES if role != ANONYMOUS}
    now = timezone.now()
    survey = make_survey(
        stage=SurveyStage.COLLECTION, opens_at=now - timedelta(days=1), deadline=now + timedelta(days=10)
    )
    draft = make_survey()
    objects = {"survey": survey, "draft": draft}
    for key, call in (("", survey), ("draft_", draft)):
        guidance = GuidanceFile(survey=call, title="공고문", original_name="공고문.pdf", size=len(PDF))
        guidance.file.save("g.pdf", ContentFile(PDF), save=True)
        briefing = Briefing(survey=call, starts_at=now + timedelta(days=2), place="세종", materials_name="자료.pdf")
        briefing.materials.save("b.pdf", ContentFile(PDF), save=True)
        objects[f"{key}guidance"], objects[f"{key}briefing"] = guidance, briefing
    sent = OutboundMail.objects.create(
        template="survey_invitation", to="ceo@hanbit.example", subject="s", body_text="b", status="sent"
    )
    objects["recipient"] = Recipient.objects.create(
        survey=survey,
        organization_name="한빛",
        email="ceo@hanbit.example",
        source=Recipient.Source.MANUAL,
        mail=sent,
        invitations_sent=1,
    )
    objects["decline_token"] = objects["recipient"].decline_token
    objects["inquiry"] = Inquiry.objects.create(survey=survey, asked_by=users["applicant"], question="질문입니다")
    owner = users["applicant"]
    organization = owner.memberships.get().organization
    application = Application.objects.create(
        survey=survey,
        organization=organization,
        title="협동로봇 정밀 감속기",
        created_by=owner,
        updated_by=owner,
    )
    attachment = Attachment(
        application=application, original_name="첨부.pdf", kind="pdf", size=len(PDF), sha256="0" * 64, uploaded_by=owner
    )
    attachment.file.save("a.pdf", ContentFile(PDF), save=True)
    version = ApplicationVersion(
        application=application,
        number=1,
        answers={},
        title=application.title,
        receipt_number="2030-ROB-0001",
        submitted_by=owner,
        submitted_at=now,
    )
    version.pdf.save("v1.pdf", ContentFile(PDF), save=False)
    version.save()
    objects.update(application=application, attachment=attachment, one=1)

    # The owner's company belongs to the association of "association_staff", and sent it an application.
    association = users["association_staff"].memberships.get().organization
    AssociationMembership.objects.create(member=organization, association=association)
    liaison = users["ministry_liaison"]
    for key, receipt, owner_org, creator, fields in (
        (
            "member_application",
            "2030-ROB-0002",
            organization,
            owner,
            {
                "status": ApplicationStatus.ASSOCIATION_REVIEW,
                "channel": Channel.ASSOCIATION,
                "association": association,
            },
        ),
        (
            "ministry_application",
            "2030-ROB-0003",
            liaison.memberships.get().organization,
            liaison,
            {"status": ApplicationStatus.SUBMITTED, "channel": Channel.MINISTRY},
        ),
    ):
        filed = Application.objects.create(
            survey=survey,
            organization=owner_org,
            title="로봇 감속기",
            created_by=creator,
            updated_by=creator,
            receipt_number=receipt,
            version_count=1,
            submitted_at=now,
            **fields,
        )
        ApplicationVersion.objects.create(
            application=filed,
            number=1,
            answers={},
            title=filed.title,
            receipt_number=filed.receipt_number,
            submitted_by=creator,
            submitted_at=now,
        )
        objects[key] = filed
    objects.update(association=association, in_two_days=(timezone.localdate() + timedelta(days=2)).isoformat())
    return users, objects


def _value(objects, key):
    if isinstance(key, str) and key in objects:
        value = objects[key]
        return value if isinstance(value, (int, str)) else value.pk
    return key


class TestAccess:
    """Every case as every role, on one world built for the whole class, each role signed in once."""

    @pytest.fixture
    def world(self, access_world, db, settings, tmp_path):
        """The class's sessions and objects for one test, with a fresh copy of its files."""
        _users, objects, sessions, built_media = access_world
        media = tmp_path / "surveys-access-media"
        shutil.copytree(built_media, media)
        for name, value in storage_settings(media).items():
            setattr(settings, name, value)
        return sessions, objects

    @pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
    def test_access(self, client, world, case):
        sessions, objects = world
        url = reverse(f"surveys:{case.name}", kwargs={k: _value(objects, v) for k, v in case.kwargs.items()})
        # The admin goes last: its POSTs may change what the others would have seen.
        for role in sorted(ROLES, key=lambda r: r == "admin"):
            client.cookies = SimpleCookie()
            if role != ANONYMOUS:
                client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
            response = getattr(client, case.method)(url, {k: _value(objects, v) for k, v in case.query.items()})
            expected = case.expected[role]
            if expected == LOGIN:
                assert response.status_code == 302, (role, response.status_code)
                assert response["Location"].startswith("/accounts/login/"), (role, response["Location"])
            else:
                assert response.status_code == expected, (role, response.status_code)
                if expected == 302:
                    assert not response["Location"].startswith("/accounts/login/"), role


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_manage_calls_link_only_for_the_admin(client, role):
    client.force_login(_make_user(role))
    html = client.get(reverse("surveys:call_list")).content.decode()
    assert (f'href="{reverse("surveys:manage_list")}"' in html) == (role == "admin")
