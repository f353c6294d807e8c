"""MOTIE's intake: accept, return for correction, duplicates, candidate merges, the list and its exports."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal.enums import OrganizationType
from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import ApplicationAction, ApplicationStatus, Channel, ProvenanceKind, SurveyStage
from surveys.models import Application, ApplicationEvent, ApplicationVersion, Candidate, Field, Question, Survey
from surveys.services import applications as service
from surveys.services import intake
from surveys.views.intake import EXPORT_COLUMNS
from tests.collection.helpers import (
    amend,
    block_with_testid,
    json_script,
    log_in,
    organization_of,
    recipients,
    submitted,
)
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

REASON = "경제성 항목의 수출입 실적 근거가 누락되었습니다."


def _intake_url(survey, application):
    return reverse("surveys:intake_application", kwargs={"pk": survey.pk, "application_pk": application.pk})


def _list(client, survey, **query):
    response = client.get(reverse("surveys:intake_list", kwargs={"pk": survey.pk}), query)
    assert response.status_code == 200
    return response


def _rows(response) -> list[int]:
    return [a.pk for a in response.context["page"].object_list]


@pytest.fixture
def admin_client(client, admin):
    return log_in(client, admin)


@pytest.fixture
def filed(open_survey, applicant, complete_answers):
    return submitted(open_survey, applicant, complete_answers)


@pytest.fixture
def other_filer(db):
    return make_user("applicant", manager=True, name="윤다른")


# -- accept --------------------------------------------------------------------------------


def test_accept_creates_a_numbered_candidate_and_tells_the_applicant(
    admin_client,
    open_survey,
    filed,
    applicant,
    admin,
    other_filer,
    complete_answers,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_intake_url(open_survey, filed), {"decision": "accept", "note": "적합"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == ApplicationStatus.ACCEPTED
    candidate = filed.candidate
    assert candidate.number == f"{open_survey.code}-T001" == "ROB-T001"
    assert (candidate.title, candidate.field_code, candidate.survey) == (filed.title, "ROB", open_survey)
    step = ApplicationEvent.objects.filter(application=filed).last()
    assert (step.kind, step.actor, step.note) == (ProvenanceKind.ACCEPTED, admin, "적합")
    assert recipients(mail.outbox) == [applicant.email]
    accepted = AuditEvent.objects.filter(action=ApplicationAction.ACCEPTED, object_id=str(filed.pk), actor=admin)
    assert accepted.count() == 1

    second = submitted(open_survey, other_filer, complete_answers, title="자율이동로봇용 라이다 센서")
    intake.intake_accept(second, actor=admin)
    assert Candidate.objects.get(applications=second).number == "ROB-T002"
    assert Candidate.objects.count() == 2


def test_only_submitted_applications_can_be_accepted(
    open_survey, applicant, admin, complete_answers, association, company
):
    in_review = submitted(open_survey, applicant, complete_answers, association=association)
    with pytest.raises(DomainError) as error:
        intake.intake_accept(in_review, actor=admin)
    assert error.value.code == "transition"
    assert Application.objects.get(pk=in_review.pk).status == ApplicationStatus.ASSOCIATION_REVIEW
    assert not Candidate.objects.exists()


def test_the_intake_page_of_an_application_not_received_is_404(
    admin_client, open_survey, applicant, complete_answers, association, company
):
    in_review = submitted(open_survey, applicant, complete_answers, association=association)
    assert admin_client.get(_intake_url(open_survey, in_review)).status_code == 404
    assert admin_client.post(_intake_url(open_survey, in_review), {"decision": "accept"}).status_code == 404
    assert Application.objects.get(pk=in_review.pk).status == ApplicationStatus.ASSOCIATION_REVIEW


# -- return for correction -----------------------------------------------------------------


def _return(client, survey, application, due):
    return client.post(
        _intake_url(survey, application),
        {
            "decision": "return",
            "reason": REASON,
            "correction_due": due.isoformat(),
        },
    )


@pytest.mark.parametrize("stage, days", [(SurveyStage.COLLECTION, 0), (SurveyStage.TECHNICAL_REVIEW, 1)])
def test_a_returned_application_may_be_corrected_after_the_call_deadline_until_the_correction_day(
    client,
    admin_client,
    open_survey,
    filed,
    applicant,
    admin,
    stage,
    days,
    django_capture_on_commit_callbacks,
):
    due = timezone.localdate() + timedelta(days=days)  # the correction day is today, or tomorrow
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _return(admin_client, open_survey, filed, due).status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.return_reason, filed.correction_due) == (ApplicationStatus.RETURNED, REASON, due)
    assert recipients(mail.outbox) == [applicant.email]
    assert REASON in mail.outbox[0].body
    step = ApplicationEvent.objects.filter(application=filed).last()
    assert (step.kind, step.actor, step.note) == (ProvenanceKind.RETURNED, admin, REASON)
    assert AuditEvent.objects.filter(action=ApplicationAction.RETURNED, object_id=str(filed.pk)).count() == 1

    # The call's deadline passes (and the call may have moved on to technical review).
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(hours=1), stage=stage)
    log_in(client, applicant)
    response = client.get(reverse("surveys:application_detail", kwargs={"pk": filed.pk}))
    notice = block_with_testid(response, "return-notice")
    assert notice is not None and REASON in notice and due.isoformat() in notice
    assert response.context["may_change"] is True
    edit = client.get(reverse("surveys:application_edit", kwargs={"pk": filed.pk, "section": "basic"}))
    assert edit.status_code == 200 and edit.context["is_open"] is True

    version = amend(filed, applicant, title="협동로봇용 초정밀 감속기")
    filed.refresh_from_db()
    assert (version.number, filed.status, filed.version_count) == (2, ApplicationStatus.SUBMITTED, 2)
    assert filed.correction_due is None
    # Once resubmitted, the call's own deadline applies again.
    with pytest.raises(DomainError) as error:
        service.application_save_draft(filed, section="basic", data={}, revision=filed.revision, actor=applicant)
    assert error.value.code in {"deadline", "closed"}


def test_after_the_correction_day_the_returned_application_stays_as_it_is(
    admin_client,
    open_survey,
    filed,
    applicant,
    admin,
):
    intake.intake_return(filed, actor=admin, reason=REASON, correction_due=timezone.localdate())
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(days=3))
    Application.objects.filter(pk=filed.pk).update(correction_due=timezone.localdate() - timedelta(days=1))
    filed.refresh_from_db()
    with pytest.raises(DomainError) as error:
        service.application_save_draft(
            filed, section="basic", data={"technology_name": "늦은 수정"}, revision=filed.revision, actor=applicant
        )
    assert error.value.code == "deadline"
    with pytest.raises(DomainError) as error:
        service.application_submit(filed, actor=applicant)
    assert error.value.code == "deadline"
    filed.refresh_from_db()
    assert (filed.status, filed.version_count) == (ApplicationStatus.RETURNED, 1)
    assert filed.answers["basic"]["technology_name"] != "늦은 수정"


def test_a_return_needs_reasons_and_a_correction_day_that_is_not_past(admin_client, open_survey, filed, admin):
    response = _return(admin_client, open_survey, filed, timezone.localdate() - timedelta(days=1))
    assert response.status_code == 400
    response = admin_client.post(_intake_url(open_survey, filed), {"decision": "return", "reason": REASON})
    assert response.status_code == 400
    with pytest.raises(DomainError):
        intake.intake_return(filed, actor=admin, reason=" ", correction_due=timezone.localdate())
    filed.refresh_from_db()
    assert (filed.status, filed.correction_due, filed.return_reason) == (ApplicationStatus.SUBMITTED, None, "")


# -- duplicates ----------------------------------------------------------------------------


def test_mark_as_duplicate(admin_client, open_survey, filed, other_filer, admin, complete_answers):
    original = submitted(open_survey, other_filer, complete_answers)
    response = admin_client.post(
        _intake_url(open_survey, filed), {"decision": "duplicate", "of": original.pk, "note": "동일 기술"}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.duplicate_of) == (ApplicationStatus.DUPLICATE, original)
    step = ApplicationEvent.objects.filter(application=filed).last()
    assert (step.kind, step.actor, step.note) == (ProvenanceKind.DUPLICATE, admin, "동일 기술")
    assert AuditEvent.objects.filter(action=ApplicationAction.DUPLICATE, object_id=str(filed.pk)).count() == 1
    assert Application.objects.get(pk=original.pk).status == ApplicationStatus.SUBMITTED
    # Still on the intake list, under its own status.
    listed = _list(admin_client, open_survey, status="duplicate")
    assert _rows(listed) == [filed.pk]


def test_an_application_is_not_a_duplicate_of_itself(admin_client, open_survey, filed, admin):
    response = admin_client.post(_intake_url(open_survey, filed), {"decision": "duplicate", "of": filed.pk})
    assert response.status_code == 400
    with pytest.raises(DomainError):
        intake.intake_mark_duplicate(filed, of=filed, actor=admin)
    assert Application.objects.get(pk=filed.pk).status == ApplicationStatus.SUBMITTED


# -- candidates ----------------------------------------------------------------------------


def _versions(application):
    return list(
        ApplicationVersion.objects.filter(application=application)
        .order_by("number")
        .values_list("number", "title", "answers", "receipt_number")
    )


def _candidate_section(response, number) -> str | None:
    match = re.search(
        rf'<section[^>]*data-candidate="{re.escape(number)}"[^>]*>(.*?)</section>', response.content.decode(), re.S
    )
    return match.group(1) if match else None


def test_merging_candidates_keeps_every_submitters_versions_and_history(
    admin_client,
    open_survey,
    filed,
    applicant,
    other_filer,
    admin,
    complete_answers,
):
    amend(filed, applicant, title="협동로봇용 초정밀 감속기")
    other = submitted(open_survey, other_filer, complete_answers, title="로봇 관절용 정밀 감속기")
    amend(other, other_filer, title="로봇 관절용 초정밀 감속기")
    kept = intake.intake_accept(filed, actor=admin).candidate
    moved = intake.intake_accept(other, actor=admin).candidate
    assert (kept.number, moved.number) == ("ROB-T001", "ROB-T002")
    versions_before = _versions(other)
    assert len(versions_before) == 2
    history_before = list(ApplicationEvent.objects.filter(application=other).values_list("kind", flat=True))

    response = admin_client.post(
        reverse("surveys:intake_candidates", kwargs={"pk": open_survey.pk}),
        {
            "target": kept.pk,
            "sources": [moved.pk],
            "title": "로봇용 정밀 감속기 (통합)",
        },
    )
    assert response.status_code == 302

    other.refresh_from_db()
    assert other.candidate_id == kept.pk
    assert other.version_count == 2
    assert _versions(other) == versions_before
    history = list(ApplicationEvent.objects.filter(application=other).values_list("kind", flat=True))
    assert history == [*history_before, ProvenanceKind.MERGED]
    merged_step = ApplicationEvent.objects.filter(application=other).last()
    assert merged_step.actor == admin and "ROB-T001" in merged_step.note
    assert Candidate.objects.get(pk=moved.pk).merged_into_id == kept.pk
    kept.refresh_from_db()
    assert kept.title == "로봇용 정밀 감속기 (통합)"
    assert set(kept.applications.values_list("pk", flat=True)) == {filed.pk, other.pk}
    assert AuditEvent.objects.filter(action=ApplicationAction.MERGED, object_id=str(kept.pk)).count() == 1

    page = admin_client.get(reverse("surveys:intake_candidates", kwargs={"pk": open_survey.pk}))
    section = _candidate_section(page, "ROB-T001")
    assert section is not None
    for application in (filed, other):
        assert application.receipt_number in section
        assert application.organization.name in section
    assert _candidate_section(page, "ROB-T002") is None

    # A merged candidate cannot be merged again.
    with pytest.raises(DomainError):
        intake.candidate_merge(kept, [Candidate.objects.get(pk=moved.pk)], actor=admin)


def test_candidate_numbers_continue_across_calls_that_share_a_code(open_survey, filed, applicant, admin):
    assert intake.intake_accept(filed, actor=admin).candidate.number == "ROB-T001"
    next_year = Survey.objects.create(
        kind=open_survey.kind,
        title="2031년 로봇 수요조사",
        description="",
        code=open_survey.code,
        eligible_types=open_survey.eligible_types,
        stage=SurveyStage.COLLECTION,
        opens_at=open_survey.opens_at,
        deadline=open_survey.deadline,
    )
    application = Application.objects.create(
        survey=next_year,
        organization=organization_of(applicant),
        status=ApplicationStatus.SUBMITTED,
        title="차세대 감속기",
        receipt_number="2031-ROB-0001",
        created_by=applicant,
        updated_by=applicant,
    )
    candidate = intake.intake_accept(application, actor=admin).candidate
    assert (candidate.number, candidate.survey) == ("ROB-T002", next_year)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED


def test_a_candidate_is_not_merged_into_itself(admin_client, open_survey, filed, admin):
    candidate = intake.intake_accept(filed, actor=admin).candidate
    response = admin_client.post(
        reverse("surveys:intake_candidates", kwargs={"pk": open_survey.pk}),
        {"target": candidate.pk, "sources": [candidate.pk]},
    )
    assert response.status_code == 400
    assert Candidate.objects.get(pk=candidate.pk).merged_into_id is None
    assert not ApplicationEvent.objects.filter(kind=ProvenanceKind.MERGED).exists()


# -- the list: filters, sorting, counts, chart ----------------------------------------------


@pytest.fixture
def received(open_survey, admin, association):
    """Five received applications of different kinds, and some that MOTIE has not received."""
    open_survey.fields.add(Field.objects.get(code="BAT"))
    now = timezone.now()
    creator = make_user("applicant")
    company_a = OrganizationFactory(name="가나전자", type=OrganizationType.COMPANY)
    company_b = OrganizationFactory(name="다라정밀", type=OrganizationType.COMPANY)
    ministry = OrganizationFactory(name="국방부", type=OrganizationType.MINISTRY)
    institute = OrganizationFactory(name="마바연구원", type=OrganizationType.RESEARCH_INSTITUTE)
    candidate = Candidate.objects.create(survey=open_survey, number="ROB-T001", title="라", field_code="ROB")

    def row(
        n,
        *,
        organization,
        field,
        channel=Channel.DIRECT,
        status=ApplicationStatus.SUBMITTED,
        missing=0,
        days_ago=0,
        title,
        survey=open_survey,
        **extra,
    ):
        return Application.objects.create(
            survey=survey,
            organization=organization,
            status=status,
            channel=channel,
            field_code=field,
            missing_count=missing,
            title=title,
            receipt_number=f"2030-X{survey.pk}-{n:04d}",
            version_count=1,
            submitted_at=now - timedelta(days=days_ago),
            created_by=creator,
            updated_by=creator,
            **extra,
        )

    rows = {
        "r1": row(1, organization=company_a, field="ROB", days_ago=5, title="나 감속기"),
        "r2": row(
            2,
            organization=company_b,
            field="BAT",
            channel=Channel.ASSOCIATION,
            association=association,
            missing=2,
            days_ago=4,
            title="가 전극",
        ),
        "r3": row(
            3,
            organization=ministry,
            field="ROB",
            channel=Channel.MINISTRY,
            status=ApplicationStatus.ACCEPTED,
            days_ago=3,
            title="라 로봇",
            candidate=candidate,
        ),
        "r4": row(
            4,
            organization=institute,
            field="BAT",
            status=ApplicationStatus.RETURNED,
            missing=1,
            days_ago=2,
            title="다 분리막",
        ),
    }
    rows["r5"] = row(
        5,
        organization=company_a,
        field="ROB",
        status=ApplicationStatus.DUPLICATE,
        days_ago=1,
        title="마 감속기",
        duplicate_of=rows["r1"],
    )
    for n, status in enumerate(
        [
            ApplicationStatus.DRAFT,
            ApplicationStatus.ASSOCIATION_REVIEW,
            ApplicationStatus.RETURNED_BY_ASSOCIATION,
            ApplicationStatus.ENDORSED,
            ApplicationStatus.WITHDRAWN,
        ],
        start=10,
    ):
        row(
            n,
            organization=company_b,
            field="ROB",
            status=status,
            title=f"미접수 {n}",
            channel=Channel.ASSOCIATION,
            association=association,
        )
    other_call = Survey.objects.create(
        kind=open_survey.kind,
        title="다른 공고",
        description="",
        code="BAT",
        eligible_types=open_survey.eligible_types,
        stage=SurveyStage.COLLECTION,
        opens_at=open_survey.opens_at,
        deadline=open_survey.deadline,
    )
    row(1, organization=company_a, field="ROB", title="다른 공고 신청", survey=other_call)
    return rows


def _ids(received, *names):
    return {received[name].pk for name in names}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ["r1", "r2", "r3", "r4", "r5"]),
        ({"field": "BAT"}, ["r2", "r4"]),
        ({"field": "ROB", "channel": "direct"}, ["r1", "r5"]),
        ({"channel": "ministry"}, ["r3"]),
        ({"channel": "association"}, ["r2"]),
        ({"type": "company"}, ["r1", "r2", "r5"]),
        ({"type": "research_institute"}, ["r4"]),
        ({"status": "accepted"}, ["r3"]),
        ({"status": "returned"}, ["r4"]),
        ({"status": "draft"}, ["r1", "r2", "r3", "r4", "r5"]),  # not a received status: ignored
        ({"complete": "yes"}, ["r1", "r3", "r5"]),
        ({"complete": "no"}, ["r2", "r4"]),
        ({"complete": "no", "type": "company"}, ["r2"]),
    ],
)
def test_intake_filters(admin_client, open_survey, received, query, expected):
    assert set(_rows(_list(admin_client, open_survey, **query))) == _ids(received, *expected)


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["r5", "r4", "r3", "r2", "r1"]),
        ("-received", ["r5", "r4", "r3", "r2", "r1"]),
        ("received", ["r1", "r2", "r3", "r4", "r5"]),
        ("title", ["r2", "r1", "r4", "r3", "r5"]),
        ("organization", ["r1", "r5", "r3", "r2", "r4"]),  # 가나전자, 국방부, 다라정밀, 마바연구원
        ("-receipt", ["r5", "r4", "r3", "r2", "r1"]),
    ],
)
def test_intake_sorting(admin_client, open_survey, received, sort, expected):
    assert _rows(_list(admin_client, open_survey, sort=sort)) == [received[name].pk for name in expected]


def test_intake_counts_and_chart_data(admin_client, open_survey, received):
    response = _list(admin_client, open_survey, channel="ministry")  # filters do not change the counts
    counts = response.context["counts"]
    assert response.context["total"] == 5
    with translation.override("ko"):
        fields = {f.code: f.display_name for f in Field.objects.filter(code__in=["ROB", "BAT"])}
        assert {str(label): n for label, n in counts["field"]} == {fields["BAT"]: 2, fields["ROB"]: 3}
        assert {str(label): n for label, n in counts["channel"]} == {
            str(Channel.DIRECT.label): 3,
            str(Channel.ASSOCIATION.label): 1,
            str(Channel.MINISTRY.label): 1,
        }
        assert {str(label): n for label, n in counts["type"]} == {
            str(OrganizationType.COMPANY.label): 3,
            str(OrganizationType.MINISTRY.label): 1,
            str(OrganizationType.RESEARCH_INSTITUTE.label): 1,
        }
    chart = json_script(response, "intake-chart-data")
    days = sorted(timezone.localtime(received[name].submitted_at).date().isoformat() for name in received)
    assert chart["labels"] == days
    assert chart["counts"] == [1, 1, 1, 1, 1]
    assert 'id="intake-chart"' in response.content.decode()


def test_the_intake_list_pages_by_fifty(admin_client, open_survey, applicant):
    organization = organization_of(applicant)
    Application.objects.bulk_create(
        [
            Application(
                survey=open_survey,
                organization=organization,
                status=ApplicationStatus.SUBMITTED,
                receipt_number=f"2030-ROB-{n:04d}",
                title=f"기술 {n}",
                submitted_at=timezone.now(),
                created_by=applicant,
                updated_by=applicant,
            )
            for n in range(1, 61)
        ]
    )
    assert len(_rows(_list(admin_client, open_survey))) == 50
    assert len(_rows(_list(admin_client, open_survey, page=2))) == 10


# -- exports -------------------------------------------------------------------------------


def _korean_headers():
    with translation.override("ko"):
        return [str(title) for title, _getter in EXPORT_COLUMNS]


def test_the_xlsx_export_has_korean_headers_and_the_rows(admin_client, open_survey, received, association):
    response = admin_client.get(
        reverse("surveys:intake_list", kwargs={"pk": open_survey.pk}), {"export": "xlsx", "sort": "received"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = rows[0]
    assert headers[: len(EXPORT_COLUMNS)] == _korean_headers()  # the answers follow
    assert headers[:2] == ["접수번호", "기술명"] and headers[3] == "신청 기관"
    data = {row[0]: row for row in rows[1:]}
    assert list(data) == [received[name].receipt_number for name in ["r1", "r2", "r3", "r4", "r5"]]
    r2, r3 = data[received["r2"].receipt_number], data[received["r3"].receipt_number]
    column = {
        name: index
        for index, name in enumerate(
            [
                "receipt",
                "title",
                "field",
                "organization",
                "type",
                "channel",
                "association",
                "status",
                "versions",
                "missing",
                "submitted",
                "candidate",
            ]
        )
    }
    assert (r2[column["title"]], r2[column["field"]], r2[column["organization"]]) == ("가 전극", "BAT", "다라정밀")
    assert r2[column["association"]] == association.name
    assert (r2[column["missing"]], r2[column["versions"]]) == (2, 1)
    assert (r3[column["organization"]], r3[column["candidate"]]) == ("국방부", "ROB-T001")
    assert r3[column["submitted"]] == timezone.localtime(received["r3"].submitted_at).strftime("%Y-%m-%d %H:%M")


def test_the_xlsx_export_follows_the_filters(admin_client, open_survey, received):
    response = admin_client.get(
        reverse("surveys:intake_list", kwargs={"pk": open_survey.pk}), {"export": "xlsx", "channel": "ministry"}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [received["r3"].receipt_number]


def test_the_csv_export_starts_with_a_bom_and_has_korean_headers(admin_client, open_survey, received):
    response = admin_client.get(reverse("surveys:intake_list", kwargs={"pk": open_survey.pk}), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][: len(EXPORT_COLUMNS)] == _korean_headers()
    assert rows[0][0] == "접수번호"
    assert sorted(row[0] for row in rows[1:]) == sorted(a.receipt_number for a in received.values())
    assert "다른 공고 신청" not in response.content.decode("utf-8-sig")


def test_exports_keep_what_the_applicant_typed_as_text(admin_client, open_survey, applicant, complete_answers):
    typed = '=HYPERLINK("http://evil.example","열기")'
    submitted(open_survey, applicant, complete_answers, title=typed)
    url = reverse("surveys:intake_list", kwargs={"pk": open_survey.pk})
    cell = load_workbook(io.BytesIO(admin_client.get(url, {"export": "xlsx"}).content)).active["B2"]
    assert (cell.value, cell.data_type) == (typed, "s")
    rows = list(csv.reader(io.StringIO(admin_client.get(url, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + typed


def _sheet(client, survey, **query):
    response = client.get(reverse("surveys:intake_list", kwargs={"pk": survey.pk}), {"export": "xlsx", **query})
    assert response.status_code == 200
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_the_xlsx_export_carries_every_answer_and_each_criterions_justification(
    admin_client,
    open_survey,
    applicant,
    complete_answers,
    other_filer,
):
    first = submitted(open_survey, applicant, complete_answers, title="협동로봇 감속기")
    second_answers = {
        **complete_answers,
        "criteria": {key: f"둘째 {value}" for key, value in complete_answers["criteria"].items()},
    }
    second = submitted(open_survey, other_filer, second_answers, title="로봇 비전 센서")
    amend(first, applicant, title="협동로봇용 초정밀 감속기")  # the export reads the latest submitted version
    rows = _sheet(admin_client, open_survey, sort="receipt")
    headers = rows[0]
    assert len(rows) == 3  # one row per application
    data = {row[0]: dict(zip(headers, row)) for row in rows[1:]}
    with translation.override("ko"):
        criteria_title = str(
            service.sections_for(open_survey)[
                [s.key for s in service.sections_for(open_survey)].index("criteria")
            ].title
        )
    for criterion in open_survey.criteria.all():
        header = f"{criteria_title} · {criterion.number}. {criterion.title}"
        assert header in headers, header
        assert data[first.receipt_number][header] == f"기준 {criterion.number}에 대한 근거"
        assert data[second.receipt_number][header] == f"둘째 기준 {criterion.number}에 대한 근거"
    # every answer of the form has its column, the questions' answers among them
    flat = [
        value
        for section in complete_answers.values()
        for value in section.values()
        if isinstance(value, str) and re.search("[가-힣]", value)
    ]  # typed text, not a choice's code
    first_row = set(str(v) for v in data[first.receipt_number].values())
    for value in flat:
        if value == complete_answers["basic"]["technology_name"]:
            continue
        assert value in first_row, value
    assert "협동로봇용 초정밀 감속기" in first_row
    assert len(headers) == len(set(headers))


def test_exports_keep_typed_answers_as_text_and_drop_control_characters(
    admin_client,
    open_survey,
    applicant,
    complete_answers,
):
    typed = "=1+2"
    answers = {
        **complete_answers,
        "criteria": {**complete_answers["criteria"], "criterion_1": typed, "criterion_2": "근거\x0b와 제어문자"},
    }
    submitted(open_survey, applicant, answers)
    url = reverse("surveys:intake_list", kwargs={"pk": open_survey.pk})
    sheet = load_workbook(io.BytesIO(admin_client.get(url, {"export": "xlsx"}).content)).active
    cells = {cell.value: cell for cell in sheet[2]}
    assert typed in cells and cells[typed].data_type == "s"
    assert "근거와 제어문자" in cells
    rows = list(csv.reader(io.StringIO(admin_client.get(url, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert "'" + typed in rows[1]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_export_query_count_does_not_grow_with_the_rows(
    admin_client,
    open_survey,
    complete_answers,
    kind,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse("surveys:intake_list", kwargs={"pk": open_survey.pk}), {"export": kind})
        assert response.status_code == 200
        return len(captured)

    filers = [make_user("applicant", manager=True) for _ in range(6)]
    submitted(open_survey, filers[0], complete_answers)
    count()  # the form definition is built once per call and kept
    small = count()
    for filer in filers[1:]:
        submitted(open_survey, filer, complete_answers)
    assert count() == small


# -- audit and completeness ------------------------------------------------------------------


def test_every_transition_writes_an_audit_event(open_survey, filed, applicant, other_filer, admin, complete_answers):
    intake.intake_return(filed, actor=admin, reason=REASON, correction_due=timezone.localdate())
    amend(filed, applicant, title="협동로봇용 초정밀 감속기")
    intake.intake_accept(filed, actor=admin)
    intake.intake_return(filed, actor=admin, reason=REASON, correction_due=timezone.localdate())
    other = submitted(open_survey, other_filer, complete_answers)
    service.application_withdraw(other, actor=other_filer)
    service.application_restore(other, actor=other_filer)
    intake.intake_mark_duplicate(other, of=filed, actor=admin)

    S = ApplicationStatus
    expected = {
        filed.pk: [
            (S.DRAFT, S.SUBMITTED),
            (S.SUBMITTED, S.RETURNED),
            (S.RETURNED, S.SUBMITTED),
            (S.SUBMITTED, S.ACCEPTED),
            (S.ACCEPTED, S.RETURNED),
        ],
        other.pk: [
            (S.DRAFT, S.SUBMITTED),
            (S.SUBMITTED, S.WITHDRAWN),
            (S.WITHDRAWN, S.SUBMITTED),
            (S.SUBMITTED, S.DUPLICATE),
        ],
    }
    for pk, moves in expected.items():
        audited = [
            (e.before["status"], e.after["status"])
            for e in AuditEvent.objects.filter(object_id=str(pk)).order_by("pk")
            if e.before and "status" in e.before
        ]
        assert audited == moves, pk
        status_steps = ApplicationEvent.objects.filter(application_id=pk).exclude(
            kind__in=[ProvenanceKind.DRAFTED, ProvenanceKind.MERGED]
        )
        assert status_steps.count() == len(moves)


def test_completeness_is_recounted_when_the_form_changes(admin_client, open_survey, filed):
    assert filed.missing_count == 0
    Question.objects.create(survey=open_survey, order=2, type="short_text", label="양산 계획", required=True)
    assert intake.survey_refresh_completeness(open_survey) == 1
    assert Application.objects.get(pk=filed.pk).missing_count == 1
    assert intake.survey_refresh_completeness(open_survey) == 0
    assert _rows(_list(admin_client, open_survey, complete="no")) == [filed.pk]
    assert _rows(_list(admin_client, open_survey, complete="yes")) == []
