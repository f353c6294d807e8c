"""Collection reminders: invited organisations that have not started (D-7, D-3, D-1), corrections,
associations' internal deadlines; each once, in the recipient's language; declining stops them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.enums import OrganizationType
from portal.models import AuditEvent, OutboundMail
from surveys.enums import ApplicationStatus, Channel, SurveyStage
from surveys.models import Application, AssociationDeadline, Recipient
from surveys.services.distribution import invitations_send
from surveys.services.reminders import reminders_send
from surveys.tasks import deadline_reminders
from tests.factories import OrganizationFactory, make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def invited(admin, now, django_capture_on_commit_callbacks):
    """A call closing in ten days, invitations sent to three companies: Korean, English, and one without
    an account."""
    survey = make_survey(
        stage=SurveyStage.COLLECTION,
        title="로봇 분야 수요조사",
        title_en="Robot demand survey",
        deadline=now + 10 * DAY,
    )
    people = {}
    for key, language in (("hanbit", "ko"), ("globex", "en")):
        organization = OrganizationFactory(name=f"{key} 주식회사", type=OrganizationType.COMPANY)
        people[key] = make_user(
            "applicant", organization=organization, email=f"ceo@{key}.example", preferred_language=language
        )
        Recipient.objects.create(
            survey=survey,
            organization=organization,
            organization_name=organization.name,
            email=f"ceo@{key}.example",
            source=Recipient.Source.SELECTION,
        )
    Recipient.objects.create(
        survey=survey, organization_name="누리테크", email="info@nuri.example", source=Recipient.Source.IMPORT
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    mail.outbox.clear()
    return survey, people


def _reminders(template="invitation_reminder"):
    return OutboundMail.objects.filter(template=template)


def _at(survey, before):
    """The moment ``before`` ahead of the call's deadline."""
    return survey.deadline - before


def test_invited_organisations_are_reminded_at_d7_d3_d1_once_each(invited, django_capture_on_commit_callbacks):
    survey, people = invited
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=_at(survey, 8 * DAY)) == 0  # not yet
        assert reminders_send(now=_at(survey, 7 * DAY - timedelta(hours=1))) == 3
        assert reminders_send(now=_at(survey, 6 * DAY)) == 0  # the beat again: nothing twice
        assert reminders_send(now=_at(survey, 2 * DAY)) == 3
        assert reminders_send(now=_at(survey, 2 * DAY)) == 0
        assert reminders_send(now=_at(survey, timedelta(hours=5))) == 3
        assert reminders_send(now=_at(survey, timedelta(hours=4))) == 0
        assert reminders_send(now=survey.deadline + DAY) == 0  # closed
    assert _reminders().count() == 9
    assert sorted(_reminders().filter(to="ceo@hanbit.example").values_list("dedupe_key", flat=True)) == sorted(
        f"surveys.invitation_reminder:{survey.recipients.get(email='ceo@hanbit.example').pk}:{label}"
        for label in ("7d", "3d", "1d")
    )
    assert len([m for m in mail.outbox if "ceo@hanbit.example" in m.to]) == 3


def test_a_run_inside_d3_sends_only_the_d3_reminder(invited, django_capture_on_commit_callbacks):
    survey, _ = invited
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=_at(survey, 2 * DAY)) == 3
    assert set(k.rsplit(":", 1)[1] for k in _reminders().values_list("dedupe_key", flat=True)) == {"3d"}


def test_invitation_reminders_are_in_each_recipients_language(invited, django_capture_on_commit_callbacks):
    survey, _ = invited
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(now=_at(survey, 2 * DAY))
    korean = _reminders().get(to="ceo@hanbit.example")
    english = _reminders().get(to="ceo@globex.example")
    unknown = _reminders().get(to="info@nuri.example")
    assert (korean.language, english.language, unknown.language) == ("ko", "en", "ko")
    assert "로봇 분야 수요조사" in korean.subject and "마감" in korean.body_text
    assert "Robot demand survey" in english.subject and "has not started an application" in english.body_text
    # every reminder says how to decline
    recipient = survey.recipients.get(email="ceo@globex.example")
    decline = reverse("surveys:invitation_decline", kwargs={"token": recipient.decline_token})
    assert decline in english.body_text


def test_organisations_that_started_are_not_reminded(invited, django_capture_on_commit_callbacks):
    survey, people = invited
    organization = people["hanbit"].memberships.get().organization
    Application.objects.create(
        survey=survey, organization=organization, created_by=people["hanbit"], updated_by=people["hanbit"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=_at(survey, 2 * DAY)) == 2 + 1  # two invitations, and hanbit's draft its own reminder
    assert not _reminders().filter(to="ceo@hanbit.example").exists()
    assert OutboundMail.objects.filter(template="deadline_reminder", to="ceo@hanbit.example").count() == 1


def test_invitation_mail_says_how_to_decline(invited):
    survey, _ = invited
    recipient = survey.recipients.get(email="ceo@hanbit.example")
    invitation = OutboundMail.objects.get(template="survey_invitation", to="ceo@hanbit.example")
    assert reverse("surveys:invitation_decline", kwargs={"token": recipient.decline_token}) in invitation.body_text
    assert "초대를 사양" in invitation.body_text
    assert OutboundMail.objects.get(template="survey_invitation", to="ceo@globex.example").language == "en"


def test_declining_by_link_is_audited_and_stops_the_reminders(client, invited, django_capture_on_commit_callbacks):
    survey, _ = invited
    recipient = survey.recipients.get(email="info@nuri.example")
    url = reverse("surveys:invitation_decline", kwargs={"token": recipient.decline_token})
    page = client.get(url)
    assert page.status_code == 200 and "누리테크" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.declined_at is not None
    event = AuditEvent.objects.for_object(recipient).get(action="surveys.invitation.declined")
    assert event.after["via"] == "link" and event.actor is None
    assert 'data-testid="invitation-declined"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=_at(survey, 2 * DAY)) == 2
    assert not _reminders().filter(to="info@nuri.example").exists()
    # declining twice changes nothing and writes no second row
    client.post(url)
    assert AuditEvent.objects.filter(action="surveys.invitation.declined").count() == 1


def test_a_forged_or_unknown_decline_link_is_404(client, invited):
    survey, _ = invited
    recipient = survey.recipients.get(email="info@nuri.example")
    token = recipient.decline_token
    assert client.get(reverse("surveys:invitation_decline", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    assert client.post(reverse("surveys:invitation_decline", kwargs={"token": "1"})).status_code == 404
    recipient.refresh_from_db()
    assert recipient.declined_at is None


def test_declining_from_the_dashboard_declines_for_the_organisation(
    client, invited, django_capture_on_commit_callbacks
):
    survey, people = invited
    user = people["hanbit"]
    organization = user.memberships.get().organization
    colleague = Recipient.objects.create(
        survey=survey,
        organization=organization,
        organization_name=organization.name,
        email="rnd@hanbit.example",
        source=Recipient.Source.SELECTION,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=None)
    client.force_login(user)
    dashboard = reverse("dashboard", kwargs={"role": "applicant"})
    html = client.get(dashboard).content.decode()
    assert f'data-invitation="{survey.pk}"' in html
    recipient = survey.recipients.get(email="ceo@hanbit.example")
    response = client.post(
        reverse("surveys:invitation_decline", kwargs={"token": recipient.decline_token}), {"next": dashboard}
    )
    assert response.status_code == 302 and response["Location"] == dashboard
    assert f'data-invitation="{survey.pk}"' not in client.get(dashboard).content.decode()
    colleague.refresh_from_db()
    assert colleague.declined_at is not None  # the whole organisation declined
    event = AuditEvent.objects.get(action="surveys.invitation.declined")
    assert event.actor == user and event.after["via"] == "dashboard"
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(now=_at(survey, 2 * DAY))
    assert not _reminders().filter(to__endswith="@hanbit.example").exists()


def test_the_decline_link_refuses_an_outside_next(client, invited):
    survey, _ = invited
    recipient = survey.recipients.get(email="info@nuri.example")
    url = reverse("surveys:invitation_decline", kwargs={"token": recipient.decline_token})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == url


# -- corrections and associations ----------------------------------------------------------


def test_applicants_are_reminded_before_their_correction_date(admin, now, django_capture_on_commit_callbacks):
    survey = make_survey(stage=SurveyStage.COLLECTION, deadline=now + 20 * DAY)
    user = make_user("applicant", email="ceo@returned.example", preferred_language="en")
    today = timezone.localdate(now)
    application = Application.objects.create(
        survey=survey,
        organization=user.memberships.get().organization,
        created_by=user,
        updated_by=user,
        status=ApplicationStatus.RETURNED,
        correction_due=today + timedelta(days=5),
        title="협동로봇 감속기",
        return_reason="첨부 누락",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=now) == 0
        assert reminders_send(now=now + 2 * DAY) == 1  # three days left
        assert reminders_send(now=now + 2 * DAY) == 0
        assert reminders_send(now=now + 4 * DAY) == 1  # one day left
        assert reminders_send(now=now + 5 * DAY) == 0  # on the day: the D-1 reminder was sent
        assert reminders_send(now=now + 6 * DAY) == 0  # past
    sent = _reminders("correction_reminder")
    assert sent.count() == 2 and set(sent.values_list("language", flat=True)) == {"en"}
    assert "협동로봇 감속기" in sent.first().body_text
    assert (today + timedelta(days=5)).isoformat() in sent.first().body_text
    assert reverse("surveys:application_detail", kwargs={"pk": application.pk}) in sent.first().body_text
    # corrected in time: nothing more even with a new date
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=now + 4 * DAY) == 0


def test_associations_and_their_members_are_reminded_before_the_internal_deadline(
    admin,
    now,
    django_capture_on_commit_callbacks,
):
    survey = make_survey(stage=SurveyStage.COLLECTION, deadline=now + 20 * DAY)
    association = OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국로봇산업협회")
    staff = make_user("association_staff", organization=association, email="staff@kar.example")
    idle = make_user(
        "association_staff",
        organization=OrganizationFactory(type=OrganizationType.ASSOCIATION),
        email="staff@idle.example",
    )
    member = make_user("applicant", email="ceo@member.example", preferred_language="en")
    AssociationDeadline.objects.create(survey=survey, association=association, deadline=now + 10 * DAY, set_by=staff)
    AssociationDeadline.objects.create(
        survey=survey, association=idle.memberships.get().organization, deadline=now + 10 * DAY, set_by=idle
    )
    common = {"survey": survey, "channel": Channel.ASSOCIATION, "association": association}
    Application.objects.create(
        organization=member.memberships.get().organization,
        created_by=member,
        updated_by=member,
        status=ApplicationStatus.ASSOCIATION_REVIEW,
        **common,
    )
    Application.objects.create(
        organization=member.memberships.get().organization,
        created_by=member,
        updated_by=member,
        status=ApplicationStatus.DRAFT,
        title="휴머노이드 손",
        **common,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=now + 6 * DAY) == 0
        assert reminders_send(now=now + 8 * DAY) == 2  # the staff (one waiting) and the member's draft
        assert reminders_send(now=now + 8 * DAY) == 0
        assert reminders_send(now=now + 9 * DAY + timedelta(hours=1)) == 2
    staff_mail = _reminders("association_deadline_reminder")
    assert set(staff_mail.values_list("to", flat=True)) == {"staff@kar.example"}  # nothing waits for the other
    assert staff_mail.count() == 2
    assert reverse("surveys:collection_dashboard", kwargs={"pk": survey.pk}) in staff_mail.first().body_text
    member_mail = _reminders("member_deadline_reminder")
    assert member_mail.count() == 2 and set(member_mail.values_list("language", flat=True)) == {"en"}


def test_the_beat_task_sends_every_kind(invited, time_machine, django_capture_on_commit_callbacks):
    survey, _ = invited
    time_machine.move_to(_at(survey, 2 * DAY))
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders.apply().get() == 3
        assert deadline_reminders.apply().get() == 0


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_dashboards_invitations_cost_the_same_queries_for_more_calls(client, admin, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("applicant", email="ceo@many.example")
    organization = user.memberships.get().organization

    def invite(n):
        for _ in range(n):
            survey = make_survey(stage=SurveyStage.COLLECTION, deadline=now + 10 * DAY)
            Recipient.objects.create(
                survey=survey,
                organization=organization,
                organization_name=organization.name,
                email=user.email,
                source=Recipient.Source.SELECTION,
            )
            invitations_send(survey, actor=admin)

    def load():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboard", kwargs={"role": "applicant"}))
        assert response.status_code == 200
        return len(captured), response.content.decode().count("data-invitation=")

    client.force_login(user)
    invite(1)
    load()
    small, shown = load()
    assert shown == 1
    invite(6)
    assert load() == (small, 7)
