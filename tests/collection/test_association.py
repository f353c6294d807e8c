"""The association channel: member submissions, return and resubmit, endorsement, batch forward,
the internal deadline, the call's association setting, and the record PDF."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import ApplicationAction, ApplicationStatus, AssociationChannel, Channel, ProvenanceKind
from surveys.models import Application, ApplicationEvent, AssociationDeadline, ForwardBatch, Survey
from surveys.services import applications as service
from surveys.services import collection, intake
from tests.collection.helpers import (
    amend,
    block_with_testid,
    body,
    drafted,
    log_in,
    organization_of,
    pdf_text,
    recipients,
    submitted,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

RETURN_COMMENT = "국내 기술수준 근거 자료를 보완해 주십시오."
OPINION = "협회 회원사 의견을 종합한 결과 지정 필요성이 높습니다."
COVER_LETTER = "로봇산업협회 수요조사 취합 결과를 송부합니다."
SECOND_TITLE = "자율이동로봇용 라이다 센서"


def _dashboard(client, survey, association, **query):
    url = reverse("surveys:collection_dashboard", kwargs={"pk": survey.pk})
    return client.get(url, {"association": association.pk, **query})


def _listed(response) -> set[int]:
    return {a.pk for a in response.context["page"].object_list}


def _check_url(application):
    return reverse("surveys:collection_application", kwargs={"pk": application.pk})


def _detail_url(application):
    return reverse("surveys:application_detail", kwargs={"pk": application.pk})


def _in_review(open_survey, applicant, complete_answers, association, **kwargs):
    return submitted(open_survey, applicant, complete_answers, association=association, **kwargs)


def _endorsed(application, association, staff):
    return collection.association_endorse(application, association=association, actor=staff, opinion=OPINION)


def _forwarded(open_survey, applicant, complete_answers, association, staff):
    application = _endorsed(_in_review(open_survey, applicant, complete_answers, association), association, staff)
    collection.association_forward(
        [application], association=association, survey=open_survey, actor=staff, cover_letter=COVER_LETTER
    )
    return Application.objects.get(pk=application.pk)


def _kinds(application):
    return list(ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True))


# -- submission and visibility -------------------------------------------------------------


def test_a_member_submission_goes_to_the_association_and_its_staff_are_mailed(
    open_survey,
    applicant,
    company,
    association,
    staff,
    other_staff,
    complete_answers,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _in_review(open_survey, applicant, complete_answers, association)
    assert application.status == ApplicationStatus.ASSOCIATION_REVIEW
    assert (application.channel, application.association) == (Channel.ASSOCIATION, association)
    assert application.version_count == 1 and application.receipt_number
    sent_to = recipients(mail.outbox)
    assert staff.email in sent_to
    assert applicant.email in sent_to  # the receipt
    assert other_staff.email not in sent_to
    step = ApplicationEvent.objects.get(application=application, kind=ProvenanceKind.SUBMITTED)
    assert (step.actor, step.organization, step.version_number) == (applicant, company, 1)


def test_the_association_staff_see_a_member_submission_and_other_associations_do_not(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    other_association,
    other_staff,
    complete_answers,
):
    application = _in_review(open_survey, applicant, complete_answers, association)

    log_in(client, staff)
    response = _dashboard(client, open_survey, association)
    assert response.status_code == 200
    assert _listed(response) == {application.pk}
    assert f'href="{_check_url(application)}"' in response.content.decode()
    assert client.get(_check_url(application)).status_code == 200
    assert client.get(_detail_url(application)).status_code == 200

    log_in(client, other_staff)
    assert client.get(_check_url(application)).status_code == 404
    assert client.get(_detail_url(application)).status_code == 404
    # Asking for association A's dashboard shows B's own, without A's member's application.
    response = _dashboard(client, open_survey, association)
    assert response.status_code == 200
    assert response.context["association"] == other_association
    assert _listed(response) == set()


def test_a_company_never_sees_another_companys_application(
    client,
    open_survey,
    applicant,
    company,
    association,
    second_member,
    complete_answers,
):
    application = _in_review(open_survey, applicant, complete_answers, association)
    log_in(client, second_member)  # a member of the same association, but another company
    for url in (
        _detail_url(application),
        _check_url(application),
        reverse("surveys:application_record_pdf", kwargs={"pk": application.pk}),
        reverse("surveys:version_detail", kwargs={"pk": application.pk, "number": 1}),
    ):
        assert client.get(url).status_code == 404, url


def test_drafts_stay_invisible_to_the_association(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    draft = drafted(open_survey, applicant, complete_answers, association=association)
    assert (draft.status, draft.association) == (ApplicationStatus.DRAFT, association)
    log_in(client, staff)
    response = _dashboard(client, open_survey, association)
    assert response.status_code == 200
    assert draft.pk not in _listed(response)
    assert client.get(_check_url(draft)).status_code == 404
    assert client.get(_detail_url(draft)).status_code == 404
    response = client.post(_check_url(draft), {"decision": "endorse", "opinion": OPINION})
    assert response.status_code == 404
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


# -- return and resubmit -------------------------------------------------------------------


def test_return_with_comment_then_the_company_amends_and_resubmits(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
    django_capture_on_commit_callbacks,
):
    application = _in_review(open_survey, applicant, complete_answers, association)
    due = timezone.localdate() + timedelta(days=3)
    mail.outbox.clear()

    log_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _check_url(application),
            {
                "decision": "return",
                "comment": RETURN_COMMENT,
                "correction_due": due.isoformat(),
            },
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED_BY_ASSOCIATION
    assert application.correction_due == due
    assert recipients(mail.outbox) == [applicant.email]
    assert RETURN_COMMENT in mail.outbox[0].body
    step = ApplicationEvent.objects.filter(application=application).last()
    assert (step.kind, step.actor, step.organization, step.note) == (
        ProvenanceKind.RETURNED_BY_ASSOCIATION,
        staff,
        association,
        RETURN_COMMENT,
    )
    assert AuditEvent.objects.filter(
        action=ApplicationAction.RETURNED, object_id=str(application.pk), actor=staff
    ).exists()

    log_in(client, applicant)
    response = client.get(_detail_url(application))
    notice = block_with_testid(response, "return-notice")
    assert notice is not None
    assert RETURN_COMMENT in notice
    assert due.isoformat() in notice

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = amend(application, applicant, title="협동로봇용 초정밀 감속기")
    application.refresh_from_db()
    assert version.number == 2
    assert application.status == ApplicationStatus.ASSOCIATION_REVIEW
    assert application.versions.count() == application.version_count == 2
    assert application.correction_due is None
    assert staff.email in recipients(mail.outbox)
    assert block_with_testid(client.get(_detail_url(application)), "return-notice") is None


def test_a_return_needs_a_comment_and_changes_nothing_without_one(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    application = _in_review(open_survey, applicant, complete_answers, association)
    log_in(client, staff)
    response = client.post(_check_url(application), {"decision": "return", "comment": " "})
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ASSOCIATION_REVIEW
    with pytest.raises(DomainError):
        collection.association_return(
            application,
            association=association,
            actor=staff,
            comment="보완",
            correction_due=timezone.localdate() - timedelta(days=1),
        )
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ASSOCIATION_REVIEW


def test_staff_of_another_association_cannot_decide(
    open_survey,
    applicant,
    company,
    association,
    other_association,
    other_staff,
    complete_answers,
):
    application = _in_review(open_survey, applicant, complete_answers, association)
    with pytest.raises(DomainError) as error:
        collection.association_endorse(application, association=other_association, actor=other_staff, opinion=OPINION)
    assert error.value.code == "forbidden"
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ASSOCIATION_REVIEW


# -- endorsement and forwarding --------------------------------------------------------------


def test_endorse_with_an_opinion(client, open_survey, applicant, company, association, staff, complete_answers):
    application = _in_review(open_survey, applicant, complete_answers, association)
    log_in(client, staff)
    assert client.post(_check_url(application), {"decision": "endorse", "opinion": ""}).status_code == 400
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ASSOCIATION_REVIEW

    response = client.post(_check_url(application), {"decision": "endorse", "opinion": OPINION})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ENDORSED
    step = ApplicationEvent.objects.filter(application=application).last()
    assert (step.kind, step.actor, step.organization, step.note) == (
        ProvenanceKind.ENDORSED,
        staff,
        association,
        OPINION,
    )
    assert AuditEvent.objects.filter(action=ApplicationAction.ENDORSED, object_id=str(application.pk)).count() == 1
    # The endorsed application is offered for forwarding on the dashboard.
    forward_form = _dashboard(client, open_survey, association).context["forward_form"]
    assert list(forward_form.fields["applications"].queryset) == [application]
    assert _listed(_dashboard(client, open_survey, association, status="endorsed")) == {application.pk}
    assert _listed(_dashboard(client, open_survey, association, status="association_review")) == set()


def test_batch_forward_of_two_endorsed_applications_with_a_cover_letter(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    second_member,
    complete_answers,
    django_capture_on_commit_callbacks,
):
    first = _in_review(open_survey, applicant, complete_answers, association)
    collection.association_return(
        first,
        association=association,
        actor=staff,
        comment=RETURN_COMMENT,
        correction_due=timezone.localdate() + timedelta(days=2),
    )
    amend(first, applicant, title="협동로봇용 초정밀 감속기")
    _endorsed(first, association, staff)
    second = _in_review(open_survey, second_member, complete_answers, association, title=SECOND_TITLE)
    _endorsed(second, association, staff)
    mail.outbox.clear()

    log_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:collection_forward", kwargs={"pk": open_survey.pk}),
            {
                "association": association.pk,
                "applications": [first.pk, second.pk],
                "cover_letter": COVER_LETTER,
            },
        )
    assert response.status_code == 302
    assert Application.objects.get(pk=first.pk).status == ApplicationStatus.SUBMITTED
    assert Application.objects.get(pk=second.pk).status == ApplicationStatus.SUBMITTED
    batch = ForwardBatch.objects.get()
    assert set(batch.applications.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert (batch.association, batch.forwarded_by, batch.cover_letter, batch.survey) == (
        association,
        staff,
        COVER_LETTER,
        open_survey,
    )
    assert {applicant.email, second_member.email} <= set(recipients(mail.outbox))

    steps = list(
        ApplicationEvent.objects.filter(application=first).values_list(
            "kind", "actor_id", "organization_id", "version_number"
        )
    )
    assert steps == [
        (ProvenanceKind.DRAFTED, applicant.pk, company.pk, None),
        (ProvenanceKind.SUBMITTED, applicant.pk, company.pk, 1),
        (ProvenanceKind.RETURNED_BY_ASSOCIATION, staff.pk, association.pk, None),
        (ProvenanceKind.SUBMITTED, applicant.pk, company.pk, 2),
        (ProvenanceKind.ENDORSED, staff.pk, association.pk, None),
        (ProvenanceKind.FORWARDED, staff.pk, association.pk, None),
    ]
    assert _kinds(second) == [
        ProvenanceKind.DRAFTED,
        ProvenanceKind.SUBMITTED,
        ProvenanceKind.ENDORSED,
        ProvenanceKind.FORWARDED,
    ]
    assert ApplicationEvent.objects.get(application=second, kind=ProvenanceKind.FORWARDED).note == COVER_LETTER
    forwarded = AuditEvent.objects.filter(action=ApplicationAction.FORWARDED)
    assert {e.object_id for e in forwarded} >= {str(first.pk), str(second.pk), str(batch.pk)}

    # MOTIE now has both on its intake list.
    log_in(client, make_user("admin"))
    listed = client.get(reverse("surveys:intake_list", kwargs={"pk": open_survey.pk})).context["page"].object_list
    assert {a.pk for a in listed} == {first.pk, second.pk}


def test_a_forward_including_a_non_endorsed_application_is_refused_entirely(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    second_member,
    complete_answers,
):
    ready = _endorsed(_in_review(open_survey, applicant, complete_answers, association), association, staff)
    waiting = _in_review(open_survey, second_member, complete_answers, association, title=SECOND_TITLE)
    before = {a.pk: (a.status, a.revision) for a in Application.objects.all()}
    events = ApplicationEvent.objects.count()

    with pytest.raises(DomainError) as error:
        collection.association_forward(
            [ready, waiting], association=association, survey=open_survey, actor=staff, cover_letter=COVER_LETTER
        )
    assert error.value.code == "state"

    log_in(client, staff)
    response = client.post(
        reverse("surveys:collection_forward", kwargs={"pk": open_survey.pk}),
        {
            "association": association.pk,
            "applications": [ready.pk, waiting.pk],
            "cover_letter": COVER_LETTER,
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("surveys:collection_forward", kwargs={"pk": open_survey.pk}),
        {
            "association": association.pk,
            "applications": [ready.pk],
            "cover_letter": " ",
        },
    )
    assert response.status_code == 400

    assert {a.pk: (a.status, a.revision) for a in Application.objects.all()} == before
    assert ApplicationEvent.objects.count() == events
    assert not ForwardBatch.objects.exists()
    assert not AuditEvent.objects.filter(action=ApplicationAction.FORWARDED).exists()


def test_another_association_cannot_forward_an_endorsed_application(
    open_survey,
    applicant,
    company,
    association,
    staff,
    other_association,
    other_staff,
    complete_answers,
):
    ready = _endorsed(_in_review(open_survey, applicant, complete_answers, association), association, staff)
    with pytest.raises(DomainError):
        collection.association_forward(
            [ready], association=other_association, survey=open_survey, actor=other_staff, cover_letter=COVER_LETTER
        )
    assert Application.objects.get(pk=ready.pk).status == ApplicationStatus.ENDORSED
    assert not ForwardBatch.objects.exists()


def test_a_forwarded_application_that_motie_returns_is_corrected_and_goes_back_to_motie(
    open_survey,
    applicant,
    company,
    association,
    staff,
    admin,
    complete_answers,
    django_capture_on_commit_callbacks,
):
    application = _forwarded(open_survey, applicant, complete_answers, association, staff)
    # The association's own deadline and MOTIE's have both passed when MOTIE asks for a correction.
    collection.association_deadline_set(
        open_survey, association=association, deadline=timezone.now() - timedelta(days=2), actor=staff
    )
    intake.intake_return(
        application,
        actor=admin,
        reason="수출입 실적 근거 보완",
        correction_due=timezone.localdate() + timedelta(days=1),
    )
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(days=1))

    version = amend(application, applicant, title="협동로봇용 초정밀 감속기")
    application.refresh_from_db()
    assert (version.number, application.status) == (2, ApplicationStatus.SUBMITTED)
    assert (application.channel, application.association) == (Channel.ASSOCIATION, association)
    assert _kinds(application)[-2:] == [ProvenanceKind.RETURNED, ProvenanceKind.SUBMITTED]


def test_an_amendment_after_forwarding_goes_to_motie(
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    application = _forwarded(open_survey, applicant, complete_answers, association, staff)
    assert application.status == ApplicationStatus.SUBMITTED
    version = amend(application, applicant, title="협동로봇용 초정밀 감속기")
    application.refresh_from_db()
    assert (version.number, application.status, application.title) == (
        2,
        ApplicationStatus.SUBMITTED,
        "협동로봇용 초정밀 감속기",
    )


def test_undoing_a_withdrawal_puts_the_application_back_where_it_was(
    open_survey,
    applicant,
    company,
    association,
    staff,
    second_member,
    complete_answers,
):
    forwarded = _forwarded(open_survey, applicant, complete_answers, association, staff)
    service.application_withdraw(forwarded, actor=applicant)
    assert service.application_restore(forwarded, actor=applicant).status == ApplicationStatus.SUBMITTED

    in_review = _in_review(open_survey, second_member, complete_answers, association, title=SECOND_TITLE)
    service.application_withdraw(in_review, actor=second_member)
    assert service.application_restore(in_review, actor=second_member).status == ApplicationStatus.ASSOCIATION_REVIEW


# -- the internal deadline -----------------------------------------------------------------


def _deadline_post(client, survey, association, when):
    local = timezone.localtime(when)
    return client.post(
        reverse("surveys:collection_deadline", kwargs={"pk": survey.pk}),
        {
            "association": association.pk,
            "deadline_on": local.date().isoformat(),
            "deadline_time": local.strftime("%H:%M"),
        },
    )


def test_the_internal_deadline_may_be_before_the_ministrys_but_not_after(
    client,
    open_survey,
    association,
    staff,
):
    log_in(client, staff)
    earlier = timezone.localtime(open_survey.deadline) - timedelta(days=2)
    earlier = timezone.make_aware(datetime.combine(earlier.date(), time(18, 0)))
    response = _deadline_post(client, open_survey, association, earlier)
    assert response.status_code == 302
    record = AssociationDeadline.objects.get(survey=open_survey, association=association)
    assert (record.deadline, record.set_by) == (earlier, staff)
    assert AuditEvent.objects.filter(action=ApplicationAction.ASSOCIATION_DEADLINE, actor=staff).count() == 1
    assert _dashboard(client, open_survey, association).context["internal_deadline"] == record

    later = open_survey.deadline + timedelta(days=1)
    response = _deadline_post(client, open_survey, association, later)
    assert response.status_code == 400
    assert AssociationDeadline.objects.get(pk=record.pk).deadline == earlier
    with pytest.raises(DomainError) as error:
        collection.association_deadline_set(open_survey, association=association, deadline=later, actor=staff)
    assert error.value.code == "deadline"
    assert AssociationDeadline.objects.get(pk=record.pk).deadline == earlier


def test_after_the_internal_deadline_a_submission_to_the_association_is_refused(
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    draft = drafted(open_survey, applicant, complete_answers, association=association)
    collection.association_deadline_set(
        open_survey, association=association, deadline=timezone.now() - timedelta(minutes=1), actor=staff
    )
    with pytest.raises(DomainError) as error:
        service.application_submit(draft, actor=applicant)
    assert error.value.code == "deadline"
    draft.refresh_from_db()
    assert (draft.status, draft.version_count) == (ApplicationStatus.DRAFT, 0)
    assert not draft.versions.exists()


def test_after_the_internal_deadline_a_returned_application_may_still_be_resubmitted(
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    application = _in_review(open_survey, applicant, complete_answers, association)
    collection.association_deadline_set(
        open_survey, association=association, deadline=timezone.now() - timedelta(minutes=1), actor=staff
    )
    collection.association_return(
        application,
        association=association,
        actor=staff,
        comment=RETURN_COMMENT,
        correction_due=timezone.localdate() + timedelta(days=1),
    )
    version = amend(application, applicant, title="협동로봇용 초정밀 감속기")
    assert version.number == 2
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ASSOCIATION_REVIEW


def test_the_internal_deadline_does_not_bind_direct_applications(
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    collection.association_deadline_set(
        open_survey, association=association, deadline=timezone.now() - timedelta(minutes=1), actor=staff
    )
    application = submitted(open_survey, applicant, complete_answers)
    assert (application.channel, application.status) == (Channel.DIRECT, ApplicationStatus.SUBMITTED)


# -- the call's association setting --------------------------------------------------------


def test_a_required_association_channel_refuses_direct_applications_from_members(
    client,
    open_survey,
    applicant,
    company,
    association,
):
    Survey.objects.filter(pk=open_survey.pk).update(association_channel=AssociationChannel.REQUIRED)
    open_survey.refresh_from_db()
    with pytest.raises(DomainError) as error:
        service.application_create(open_survey, organization=company, actor=applicant)
    assert error.value.code == "channel"
    assert not Application.objects.exists()

    log_in(client, applicant)
    response = client.post(reverse("surveys:application_start", kwargs={"pk": open_survey.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:call_detail", kwargs={"pk": open_survey.pk})
    assert not Application.objects.exists()

    application = service.application_create(
        open_survey, organization=company, actor=applicant, association=association
    )
    assert (application.channel, application.association) == (Channel.ASSOCIATION, association)


def test_a_required_association_channel_lets_companies_without_an_association_apply_directly(open_survey):
    Survey.objects.filter(pk=open_survey.pk).update(association_channel=AssociationChannel.REQUIRED)
    open_survey.refresh_from_db()
    loner = make_user("applicant")
    application = service.application_create(open_survey, organization=organization_of(loner), actor=loner)
    assert application.channel == Channel.DIRECT


def test_no_association_channel_refuses_choosing_an_association(client, open_survey, applicant, company, association):
    Survey.objects.filter(pk=open_survey.pk).update(association_channel=AssociationChannel.NONE)
    open_survey.refresh_from_db()
    with pytest.raises(DomainError) as error:
        service.application_create(open_survey, organization=company, actor=applicant, association=association)
    assert error.value.code == "channel"
    log_in(client, applicant)
    response = client.post(
        reverse("surveys:application_start", kwargs={"pk": open_survey.pk}), {"association": association.pk}
    )
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert service.application_create(open_survey, organization=company, actor=applicant).channel == Channel.DIRECT


def test_an_association_the_company_does_not_belong_to_is_refused(
    open_survey,
    applicant,
    company,
    other_association,
):
    with pytest.raises(DomainError) as error:
        service.application_create(open_survey, organization=company, actor=applicant, association=other_association)
    assert error.value.code == "channel"
    assert not Application.objects.exists()


# -- the record PDF ------------------------------------------------------------------------


def test_the_application_record_pdf_carries_the_provenance(
    client,
    open_survey,
    applicant,
    company,
    association,
    staff,
    complete_answers,
):
    application = _endorsed(_in_review(open_survey, applicant, complete_answers, association), association, staff)
    collection.association_forward(
        [application], association=association, survey=open_survey, actor=staff, cover_letter=COVER_LETTER
    )
    log_in(client, applicant)
    response = client.get(reverse("surveys:application_record_pdf", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    assert "한국로봇산업협회" in text
    assert staff.name in text
    assert applicant.name in text
    assert OPINION.replace(" ", "") in text
    assert application.receipt_number in text
