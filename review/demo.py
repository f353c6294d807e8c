"""Demo data for stage 3: an earlier robot call, scored and confirmed, now in its hearing.

The steps every demo call takes through the services (open the call, file, close the collection, review, publish
the notice) are here too; the other demo calls (``demo_pipelines``, ``demo_international``) take them as well."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.enums import OrganizationType as T
from portal.models import Organization, User
from review.models import PanelMember
from review.services import committee, hearing, notices, reviewing
from review.services.assignment import assign_automatically, review_plan
from review.services.pool import panel_for
from surveys.demo import DEMO_ANSWERS
from surveys.enums import QuestionType, SurveyKind, SurveyStage
from surveys.models import Application, Field, Survey
from surveys.services.applications import application_create, application_save_draft, application_submit
from surveys.services.calls import survey_create
from surveys.services.intake import intake_accept

#: (organisation code, applicant e-mail, technology, score each reviewer gives)
PROPOSALS = [
    ("SEJONG", "applicant@sejong.example", "협동로봇 관절 모듈 일체형 구동 기술", ["4", "4.5", "4"]),
    ("NURI", "applicant@nuri.example", "로봇용 고분해능 6축 힘·토크 센서 기술", ["3.5", "4", "3"]),
    ("GARAM", "applicant@garam.example", "정밀 감속기용 치형 연삭 양산 기술", ["2", "4.5", "3"]),
]
REVIEWERS = ["reviewer1@experts.example", "reviewer2@experts.example", "reviewer3@experts.example"]


# -- the steps every demo call takes --------------------------------------------------------------


def staff():
    """The demo ministry's admin and committee secretary (``None`` where the demo accounts are missing)."""
    admin = User.objects.filter(email="admin@motie.example").first()
    secretary = User.objects.filter(email="secretary@motie.example").first()
    return admin, secretary


def people():
    """The admin, the secretary and the three demo reviewers."""
    admin, secretary = staff()
    reviewers = list(User.objects.filter(email__in=REVIEWERS).order_by("email"))
    return admin, secretary, reviewers


def call_create(admin, *, fields: list[str], opened_ago: timedelta, open_for=timedelta(hours=1), **data) -> Survey:
    """A call in the given ``fields`` made as the ministry would, open since ``opened_ago`` and for ``open_for``."""
    now = timezone.now()
    return survey_create(
        data={**data, "opens_at": now - opened_ago, "deadline": now + open_for},
        fields=Field.objects.filter(code__in=fields),
        actor=admin,
    )


def call_publish(survey: Survey) -> Survey:
    """The call published and collecting."""
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION, published_at=timezone.now())
    survey.refresh_from_db()
    return survey


def technology_answers(survey: Survey, user, title: str) -> dict:
    """The demo answers to a technology call for ``title``, with ``user`` as the contact."""
    answers = {**DEMO_ANSWERS, "basic": {**DEMO_ANSWERS["basic"], "technology_name": title}}
    answers["contact"] = {**DEMO_ANSWERS["contact"], "contact_email": user.email, "contact_name": user.name}
    answers["criteria"] = {f"criterion_{c.number}": f"{c.title}: 근거 자료 첨부" for c in survey.criteria.all()}
    return answers


def draft_write(survey: Survey, *, organization, user, answers: dict) -> Application:
    """A draft of ``organization`` with ``answers`` saved section by section."""
    application = application_create(survey, organization=organization, actor=user)
    for section, data in answers.items():
        application = application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    return application


def application_file(survey: Survey, *, organization, user, answers: dict) -> Application:
    """An application written and submitted by ``user``."""
    application = draft_write(survey, organization=organization, user=user, answers=answers)
    application_submit(application, actor=user)
    return Application.objects.get(pk=application.pk)


def collection_close(survey: Survey, applications, *, admin, stage: str, closed_ago: timedelta) -> list:
    """The collection closed ``closed_ago``, the call moved on to ``stage`` and each application accepted: the
    candidates, in the order of ``applications``."""
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - closed_ago, stage=stage)
    survey.refresh_from_db()
    return [intake_accept(application, actor=admin).candidate for application in applications]


def panel_assign(survey: Survey, reviewers, *, field_code: str, admin, due_on) -> None:
    """``reviewers`` form the field's panel and every one of them is assigned every candidate."""
    panel = panel_for(survey, field_code)
    for reviewer in reviewers:
        PanelMember.objects.get_or_create(panel=panel, reviewer=reviewer)
    plan = review_plan(survey)
    plan.reviewers_per_candidate = len(reviewers)
    plan.due_on = due_on
    plan.save()
    assign_automatically(survey, actor=admin)


def assignment_accept(survey: Survey, assignment):
    """The assigned reviewer signs the call's pledge and declares no conflict of interest."""
    reviewer = assignment.reviewer
    reviewing.pledge_sign(survey, reviewer=reviewer, signed_name=reviewer.name)
    return reviewing.declare(assignment, reviewer=reviewer, has_conflict=False)


def review_submit(
    survey: Survey, assignment, *, numbers, score: str, justification: str, recommendation: str, comment: str = ""
) -> None:
    """The assigned reviewer accepts and submits ``score`` with ``justification`` on each criterion of ``numbers``."""
    reviewer = assignment.reviewer
    reviewing.review_save(
        assignment_accept(survey, assignment),
        reviewer=reviewer,
        scores={str(n): score for n in numbers},
        justifications={str(n): justification for n in numbers},
        recommendation=recommendation,
        comment=comment,
        submit=True,
    )


def subcommittee_confirm(
    survey: Survey, recommendations, *, secretary, rationale: str, meeting: dict, confirmation: dict, conditions=""
) -> None:
    """The field's subcommittee meets (``meeting``: its field, date, attendees and minutes) and records each
    (candidate, recommendation) of ``recommendations`` with the same ``rationale`` and ``conditions``; the committee
    then confirms the list (``confirmation``: the candidates, its date, minutes and the hearing window if any)."""
    committee.meeting_save(survey, actor=secretary, **meeting)
    for candidate, recommendation in recommendations:
        committee.decision_record(
            candidate, recommendation=recommendation, rationale=rationale, conditions=conditions, actor=secretary
        )
    committee.committee_confirm(survey, actor=secretary, **confirmation)
    survey.refresh_from_db()


def notice_publish_today(survey: Survey, *, admin, number: str, title: str, preamble: str = ""):
    """The call's notice, in force from today, drafted and published."""
    notice = notices.notice_draft(
        survey, number=number, title=title, effective_on=timezone.localdate(), actor=admin, preamble=preamble
    )
    notices.notice_publish(notice, actor=admin)
    return notice


# -- the robot call in its hearing ----------------------------------------------------------------


def _call(admin) -> Survey:
    survey = call_create(
        admin,
        fields=["ROB"],
        opened_ago=timedelta(days=60),
        kind=SurveyKind.TECHNOLOGY,
        title="2026년 상반기 로봇 분야 국가첨단전략기술 지정 수요조사",
        description="상반기 수요조사로 접수된 로봇 분야 후보기술의 기술조정위원회 심의와 찬반 의견 청취",
        code="RBT",
        eligible_types=[T.COMPANY, T.RESEARCH_INSTITUTE],
        half_points=True,
        contact="산업통상자원부 로봇산업과 044-203-0000",
    )
    survey.questions.filter(type=QuestionType.FILE).delete()
    return call_publish(survey)


def _submit(survey, organization, user, title):
    answers = technology_answers(survey, user, title)
    answers["extra"] = {q.field_name: "35" for q in survey.questions.all()}
    return application_file(survey, organization=organization, user=user, answers=answers)


@transaction.atomic
def _score(survey, candidates) -> None:
    """Each assigned reviewer signs the pledge, declares no conflict and submits the scores of ``PROPOSALS``."""
    numbers = [c.number for c in survey.criteria.all()]
    for candidate, (_code, _email, _title, scores) in zip(candidates, PROPOSALS):
        for assignment, score in zip(candidate.assignments.select_related("reviewer").order_by("pseudonym"), scores):
            review_submit(
                survey,
                assignment,
                numbers=numbers,
                score=score,
                justification="제출된 기술 사양과 양산 계획을 근거로 평가함",
                recommendation="recommend" if float(score) >= 3.5 else "conditional",
            )


def _confirm(survey, candidates, *, secretary, today) -> None:
    """The robot subcommittee recommends two of the three candidates and the committee confirms them for the
    hearing, open from ``today`` for two weeks."""
    subcommittee_confirm(
        survey,
        zip(candidates, ["recommend", "recommend", "hold"]),
        secretary=secretary,
        rationale="평가 결과와 공급망 영향을 종합하여 판단함",
        meeting={
            "field_code": "ROB",
            "held_on": today - timedelta(days=5),
            "attendees": "로봇 분과위원 5인",
            "minutes": "후보기술 3건의 평가 결과를 검토함",
        },
        confirmation={
            "candidate_ids": [c.pk for c in candidates[:2]],
            "held_on": today - timedelta(days=2),
            "minutes": "분과위원회 추천 2건을 후보 목록으로 확정함",
            "hearing_starts_on": today,
            "hearing_ends_on": today + timedelta(days=14),
        },
    )


def seed(stdout=None):
    admin, secretary, reviewers = people()
    if not (admin and secretary and len(reviewers) == 3) or Survey.objects.filter(code="RBT").exists():
        return
    today = timezone.localdate()
    survey = _call(admin)
    applications = [
        _submit(survey, Organization.objects.get(code=code), User.objects.get(email=email), title)
        for code, email, title, _scores in PROPOSALS
    ]
    candidates = collection_close(
        survey, applications, admin=admin, stage=SurveyStage.TECHNICAL_REVIEW, closed_ago=timedelta(days=30)
    )
    panel_assign(survey, reviewers, field_code="ROB", admin=admin, due_on=today - timedelta(days=7))
    _score(survey, candidates)
    _confirm(survey, candidates, secretary=secretary, today=today)
    hearing.hearing_comment_add(
        candidates[0],
        stance="for",
        actor=User.objects.get(email="staff@kar.example"),
        body="협동로봇 수출 확대에 필수적인 기술로 지정이 필요합니다.",
    )
    if stdout:
        stdout.write(f"Demo hearing: /calls/{survey.pk}/hearing/ (심사 완료, 찬반 의견 청취 중)")
