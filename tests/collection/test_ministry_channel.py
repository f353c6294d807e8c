"""The ministry channel: a ministry liaison files; MOTIE and the co-receiving ministry (MSIT) read it."""

import pytest
from django.urls import reverse

from portal.enums import OrganizationType
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application, Survey
from surveys.services import applications as service
from tests.collection.helpers import drafted, log_in, submitted
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(open_survey):
    """The call, open to ministries as well."""
    Survey.objects.filter(pk=open_survey.pk).update(
        eligible_types=[OrganizationType.COMPANY, OrganizationType.ASSOCIATION, OrganizationType.MINISTRY]
    )
    open_survey.refresh_from_db()
    return open_survey


@pytest.fixture
def liaison(db):
    return make_user("ministry_liaison", name="국방부 담당자")


@pytest.fixture
def filed(survey, liaison, complete_answers):
    return submitted(survey, liaison, complete_answers, title="국방 로봇 정밀 감속기")


def _url(name, application, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"pk": application.pk, **kwargs})


def _observer_dashboard(client):
    response = client.get(reverse("dashboard", kwargs={"role": "observer"}))
    assert response.status_code == 200
    return response


def test_a_ministry_liaisons_application_takes_the_ministry_channel(survey, liaison, complete_answers):
    draft = drafted(survey, liaison, complete_answers)
    assert (draft.channel, draft.association) == (Channel.MINISTRY, None)
    service.application_submit(draft, actor=liaison)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED  # straight to MOTIE, no association step


def test_motie_and_the_observer_read_a_submitted_ministry_application(client, filed, admin, observer):
    for reader in (admin, observer):
        log_in(client, reader)
        for url in (
            _url("application_detail", filed),
            _url("version_detail", filed, number=1),
            _url("application_record_pdf", filed),
        ):
            assert client.get(url).status_code == 200, (reader, url)

    log_in(client, observer)
    response = _observer_dashboard(client)
    assert [a.pk for a in response.context["ministry_applications"]] == [filed.pk]
    assert f'href="{_url("application_detail", filed)}"' in response.content.decode()


def test_the_observer_does_not_see_a_ministry_draft(client, survey, liaison, complete_answers, observer):
    draft = drafted(survey, liaison, complete_answers)
    log_in(client, observer)
    assert client.get(_url("application_detail", draft)).status_code == 404
    assert list(_observer_dashboard(client).context["ministry_applications"]) == []


def test_the_observer_cannot_change_anything(client, filed, observer):
    before = Application.objects.filter(pk=filed.pk).values("status", "revision", "version_count").get()
    log_in(client, observer)
    assert client.get(_url("application_edit", filed, section="basic")).status_code == 404
    assert (
        client.post(
            _url("application_edit", filed, section="basic"),
            {"basic-technology_name": "변조", "revision": filed.revision},
        ).status_code
        == 404
    )
    assert client.get(_url("application_review", filed)).status_code == 404
    assert client.get(_url("application_attachments", filed)).status_code == 404
    assert client.post(_url("application_submit", filed), {"revision": filed.revision}).status_code == 404
    assert client.post(_url("application_withdraw", filed)).status_code == 404
    assert Application.objects.filter(pk=filed.pk).values("status", "revision", "version_count").get() == before


def test_the_observer_does_not_see_direct_or_association_applications(
    client,
    survey,
    applicant,
    company,
    association,
    complete_answers,
    filed,
    observer,
):
    direct = submitted(survey, applicant, complete_answers, organization=company)
    through = submitted(survey, applicant, complete_answers, association=association, title="협회 경유 신청")
    assert (direct.channel, through.channel) == (Channel.DIRECT, Channel.ASSOCIATION)
    log_in(client, observer)
    for application in (direct, through):
        assert client.get(_url("application_detail", application)).status_code == 404
        assert client.get(_url("application_record_pdf", application)).status_code == 404
    assert [a.pk for a in _observer_dashboard(client).context["ministry_applications"]] == [filed.pk]


def test_the_observer_gets_404_on_intake_and_collection_pages(client, survey, filed, observer):
    log_in(client, observer)
    for url in (
        reverse("surveys:intake_list", kwargs={"pk": survey.pk}),
        reverse("surveys:intake_list", kwargs={"pk": survey.pk}) + "?export=csv",
        reverse("surveys:intake_application", kwargs={"pk": survey.pk, "application_pk": filed.pk}),
        reverse("surveys:intake_candidates", kwargs={"pk": survey.pk}),
        reverse("surveys:collection_dashboard", kwargs={"pk": survey.pk}),
        reverse("surveys:collection_application", kwargs={"pk": filed.pk}),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("surveys:intake_application", kwargs={"pk": survey.pk, "application_pk": filed.pk}),
        {"decision": "accept"},
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=filed.pk).status == ApplicationStatus.SUBMITTED


def test_an_observer_role_that_was_revoked_reads_nothing(client, filed, observer):
    observer.memberships.update(is_active=False)
    log_in(client, observer)
    assert client.get(_url("application_detail", filed)).status_code == 404


def test_an_observer_of_another_ministry_reads_no_ministry_channel_application(client, filed):
    from portal.models import Organization

    defence = Organization.objects.create(name="국방부", type=OrganizationType.MINISTRY, code="MND")
    stranger = make_user("observer", organization=defence)
    log_in(client, stranger)
    for url in (
        _url("application_detail", filed),
        _url("version_detail", filed, number=1),
        _url("application_record_pdf", filed),
    ):
        assert client.get(url).status_code == 404, url
    assert list(_observer_dashboard(client).context["ministry_applications"]) == []
