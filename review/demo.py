"""Demo data for stage 3: an earlier robot call, scored and confirmed, now in its hearing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.enums import OrganizationType as T
from portal.models import Organization, User
from review.models import PanelMember
from review.services import committee, hearing, reviewing
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


def _submit(survey, organization, user, title):
    application = application_create(survey, organization=organization, actor=user)
    answers = {**DEMO_ANSWERS, "basic": {**DEMO_ANSWERS["basic"], "technology_name": title}}
    answers["contact"] = {**DEMO_ANSWERS["contact"], "contact_email": user.email, "contact_name": user.name}
    answers["criteria"] = {f"criterion_{c.number}": f"{c.title}: 근거 자료 첨부" for c in survey.criteria.all()}
    answers["extra"] = {q.field_name: "35" for q in survey.questions.all()}
    for section, data in answers.items():
        application = application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    application_submit(application, actor=user)
    return Application.objects.get(pk=application.pk)


@transaction.atomic
def _score(survey, candidates) -> None:
    """Each assigned reviewer signs the pledge, declares no conflict and submits the scores of ``PROPOSALS``."""
    numbers = [c.number for c in survey.criteria.all()]
    for candidate, (_code, _email, _title, scores) in zip(candidates, PROPOSALS):
        for assignment, score in zip(candidate.assignments.select_related("reviewer").order_by("pseudonym"), scores):
            reviewer = assignment.reviewer
            reviewing.pledge_sign(survey, reviewer=reviewer, signed_name=reviewer.name)
            assignment = reviewing.declare(assignment, reviewer=reviewer, has_conflict=False)
            reviewing.review_save(
                assignment,
                reviewer=reviewer,
                scores={str(n): score for n in numbers},
                justifications={str(n): "제출된 기술 사양과 양산 계획을 근거로 평가함" for n in numbers},
                recommendation="recommend" if float(score) >= 3.5 else "conditional",
                submit=True,
            )


def seed(stdout=None):
    admin = User.objects.filter(email="admin@motie.example").first()
    secretary = User.objects.filter(email="secretary@motie.example").first()
    reviewers = list(User.objects.filter(email__in=REVIEWERS).order_by("email"))
    if not (admin and secretary and len(reviewers) == 3) or Survey.objects.filter(code="RBT").exists():
        return
    today = timezone.localdate()
    survey = survey_create(
        data={
            "kind": SurveyKind.TECHNOLOGY,
            "title": "2026년 상반기 로봇 분야 국가첨단전략기술 지정 수요조사",
            "description": "상반기 수요조사로 접수된 로봇 분야 후보기술의 기술조정위원회 심의와 찬반 의견 청취",
            "code": "RBT",
            "eligible_types": [T.COMPANY, T.RESEARCH_INSTITUTE],
            "opens_at": timezone.now() - timedelta(days=60),
            "deadline": timezone.now() + timedelta(hours=1),
            "half_points": True,
            "contact": "산업통상자원부 로봇산업과 044-203-0000",
        },
        fields=[Field.objects.get(code="ROB")],
        actor=admin,
    )
    survey.questions.filter(type=QuestionType.FILE).delete()
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION, published_at=timezone.now())
    survey.refresh_from_db()
    applications = [
        _submit(survey, Organization.objects.get(code=code), User.objects.get(email=email), title)
        for code, email, title, _scores in PROPOSALS
    ]
    Survey.objects.filter(pk=survey.pk).update(
        deadline=timezone.now() - timedelta(days=30), stage=SurveyStage.TECHNICAL_REVIEW
    )
    survey.refresh_from_db()
    candidates = [intake_accept(application, actor=admin).candidate for application in applications]
    panel = panel_for(survey, "ROB")
    for reviewer in reviewers:
        PanelMember.objects.get_or_create(panel=panel, reviewer=reviewer)
    plan = review_plan(survey)
    plan.reviewers_per_candidate = 3
    plan.due_on = today - timedelta(days=7)
    plan.save()
    assign_automatically(survey, actor=admin)
    _score(survey, candidates)
    committee.meeting_save(
        survey,
        field_code="ROB",
        held_on=today - timedelta(days=5),
        attendees="로봇 분과위원 5인",
        minutes="후보기술 3건의 평가 결과를 검토함",
        actor=secretary,
    )
    for candidate, recommendation in zip(candidates, ["recommend", "recommend", "hold"]):
        committee.decision_record(
            candidate,
            recommendation=recommendation,
            actor=secretary,
            rationale="평가 결과와 공급망 영향을 종합하여 판단함",
        )
    committee.committee_confirm(
        survey,
        candidate_ids=[c.pk for c in candidates[:2]],
        held_on=today - timedelta(days=2),
        minutes="분과위원회 추천 2건을 후보 목록으로 확정함",
        hearing_starts_on=today,
        hearing_ends_on=today + timedelta(days=14),
        actor=secretary,
    )
    survey.refresh_from_db()
    hearing.hearing_comment_add(
        candidates[0],
        stance="for",
        actor=User.objects.get(email="staff@kar.example"),
        body="협동로봇 수출 확대에 필수적인 기술로 지정이 필요합니다.",
    )
    if stdout:
        stdout.write(f"Demo hearing: /calls/{survey.pk}/hearing/ (심사 완료, 찬반 의견 청취 중)")
