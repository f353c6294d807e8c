"""Test data: factory_boy factories for the main models, and the small builders the test modules share.

Factories make rows directly (no service, no audit, no mail): use them for the state a test starts from, and the
services for what the test is about. Each factory's defaults make a consistent row on its own:
``ApplicationFactory()`` is a draft with complete answers in a new company, on a new robot call in collection.
"""

from datetime import date, timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.utils import timezone

from portal.enums import ORGANIZATION_ROLES, OrganizationType, Role
from portal.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-1"  # nosec B105


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"테스트기업{n} 주식회사")
    name_en = factory.Sequence(lambda n: f"Test Company {n}")
    type = OrganizationType.COMPANY
    code = factory.Sequence(lambda n: f"T{n}")
    business_number = factory.Sequence(lambda n: f"100-81-{n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    name = factory.Sequence(lambda n: f"사용자{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


ORG_TYPE_FOR_ROLE = {
    Role.APPLICANT: OrganizationType.COMPANY,
    Role.ASSOCIATION_STAFF: OrganizationType.ASSOCIATION,
    Role.MINISTRY_LIAISON: OrganizationType.MINISTRY,
}


def make_user(role: str | None = None, *, organization=None, manager=False, two_factor=True, **kwargs):
    """A user with one role; organisation roles get an organisation of the fitting type."""
    user = UserFactory(**kwargs)
    if role is None:
        return user
    role = Role(role)
    if role in ORGANIZATION_ROLES and organization is None:
        organization = OrganizationFactory(type=ORG_TYPE_FOR_ROLE[role])
    Membership.objects.create(user=user, organization=organization, role=role, is_manager=manager)
    if two_factor and role in settings.TWO_FACTOR_ROLES:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


def organization_of(user, role: str | None = None):
    """The organisation a user acts for: of their membership in ``role``; without one, of their applicant
    membership, or of their only membership when they have no applicant one."""
    memberships = user.memberships.select_related("organization")
    if role is None and memberships.filter(role=Role.APPLICANT).exists():
        role = Role.APPLICANT
    return (memberships.get(role=role) if role is not None else memberships.get()).organization


# -- calls -------------------------------------------------------------------------------------------------------

#: A complete technology application's answers, less the call's criteria and questions (see ``complete_answers``).
COMPLETE_ANSWERS = {
    "basic": {
        "technology_name": "협동로봇용 고정밀 감속기",
        "field": "ROB",
        "sub_field": "ROB-CMP",
        "summary": "반복정밀도 ±0.01 mm 감속기",
    },
    "specification": {
        "specification": "백래시 1 arcmin 이하, 토크 밀도 50 Nm/kg",
        "mass_production": "치형 연삭 자동화 라인",
        "products": "협동로봇, 정밀 감속기",
    },
    "level": {
        "domestic_level": "85",
        "world_leader": "일본 H사",
        "industrialisation_stage": "pilot",
        "holders": "한빛로보틱스",
    },
    "economy": {
        "exports_y1": "120",
        "imports_y1": "340",
        "exports_y2": "150",
        "imports_y2": "310",
        "employment_effect": "신규 고용 120명",
        "supply_chain_dependency": "일본 의존도 70%",
    },
    "contact": {
        "contact_name": "강민서",
        "contact_department": "연구소 책임",
        "contact_phone": "02-123-4567",
        "contact_email": "kang@hanbit.example",
    },
}


def complete_answers(survey, title: str | None = None, extra: str = "35") -> dict:
    """Answers to every section of a technology call's form: its criteria and extra questions included."""
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    if title:
        answers["basic"]["technology_name"] = title
    answers["criteria"] = {f"criterion_{c.number}": f"기준 {c.number}에 대한 근거" for c in survey.criteria.all()}
    questions = list(survey.questions.all())
    if questions:
        answers["extra"] = {q.field_name: extra for q in questions}
    return answers


class SurveyFactory(factory.django.DjangoModelFactory):
    """A technology call in collection (opened yesterday, deadline in a week) for the robot field, with the
    criteria its pipeline starts with. ``fields=("ROB", "SEM")`` picks the fields; ``criteria=False`` makes none."""

    class Meta:
        model = "surveys.Survey"
        skip_postgeneration_save = True

    kind = "technology"
    title = factory.Sequence(lambda n: f"로봇 분야 수요조사 {n}호")
    description = "국가첨단전략기술 지정 수요를 조사합니다."
    code = "ROB"
    eligible_types = factory.LazyFunction(lambda: [OrganizationType.COMPANY, OrganizationType.ASSOCIATION])
    stage = "collection"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    published_at = factory.LazyAttribute(lambda survey: None if survey.stage == "draft" else timezone.now())

    @factory.post_generation
    def fields(survey, create, extracted, **kwargs):
        if create:
            from surveys.models import Field

            survey.fields.set(Field.objects.filter(code__in=extracted or ("ROB",)))

    @factory.post_generation
    def criteria(survey, create, extracted, **kwargs):
        if create and extracted is not False:
            from surveys.services.calls import _create_default_criteria

            _create_default_criteria(survey)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Criterion"

    survey = factory.SubFactory(SurveyFactory, criteria=False)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda criterion: f"평가 기준 {criterion.number}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """An extra question of a call: a required number by default."""

    class Meta:
        model = "surveys.Question"

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n + 1)
    type = "number"
    label = "연구개발 투자액 (억 원)"
    required = True


# -- applications and candidates ---------------------------------------------------------------------------------


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Candidate"

    survey = factory.SubFactory(SurveyFactory, stage="technical_review")
    number = factory.Sequence(lambda n: f"2026-ROB-C{n:04d}")
    title = "협동로봇용 고정밀 감속기"
    field_code = "ROB"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with complete answers, filed by a new applicant of a new company.

    ``submitted=True`` gives it a receipt number and a submission time; ``accepted=True`` also a candidate.
    """

    class Meta:
        model = "surveys.Application"

    class Params:
        applicant = factory.SubFactory("tests.factories.ApplicantFactory")
        submitted = factory.Trait(
            status="submitted",
            receipt_number=factory.Sequence(lambda n: f"2026-ROB-{n + 1:04d}"),
            submitted_at=factory.LazyFunction(timezone.now),
            version_count=1,
        )
        accepted = factory.Trait(
            submitted=True,
            status="accepted",
            candidate=factory.SubFactory(
                CandidateFactory,
                survey=factory.SelfAttribute("..survey"),
                title=factory.SelfAttribute("..title"),
                field_code=factory.SelfAttribute("..field_code"),
            ),
        )

    survey = factory.SubFactory(SurveyFactory)
    organization = factory.LazyAttribute(lambda application: organization_of(application.applicant))
    created_by = factory.SelfAttribute("applicant")
    updated_by = factory.SelfAttribute("created_by")
    status = "draft"
    title = COMPLETE_ANSWERS["basic"]["technology_name"]
    field_code = "ROB"
    answers = factory.LazyAttribute(lambda application: complete_answers(application.survey, application.title))


class ApplicationVersionFactory(factory.django.DjangoModelFactory):
    """A submitted version of an application, with the application's answers."""

    class Meta:
        model = "surveys.ApplicationVersion"

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    number = factory.LazyAttribute(lambda version: version.application.versions.count() + 1)
    answers = factory.SelfAttribute("application.answers")
    title = factory.SelfAttribute("application.title")
    receipt_number = factory.SelfAttribute("application.receipt_number")
    submitted_by = factory.SelfAttribute("application.created_by")
    submitted_at = factory.LazyFunction(timezone.now)


# -- review ------------------------------------------------------------------------------------------------------


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.Panel"
        django_get_or_create = ("survey", "field_code", "layer")

    survey = factory.SubFactory(SurveyFactory, stage="technical_review")
    field_code = "ROB"
    layer = 1
    name = factory.LazyAttribute(lambda panel: f"{panel.survey.code} · {panel.field_code}")


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.ReviewerProfile"

    user = factory.SubFactory("tests.factories.ReviewerFactory", profile=None)
    organization_name = "한국기계연구원"


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.PanelMember"

    panel = factory.SubFactory(PanelFactory)
    reviewer = factory.SubFactory("tests.factories.ReviewerFactory")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment as the admin makes it by hand; ``accepted=True`` once the pledge and declaration are done."""

    class Meta:
        model = "review.Assignment"

    class Params:
        accepted = factory.Trait(status="accepted", declared_at=factory.LazyFunction(timezone.now))

    candidate = factory.SubFactory(CandidateFactory)
    reviewer = factory.SubFactory("tests.factories.ReviewerFactory")
    status = "assigned"
    pseudonym = factory.Sequence(lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26])
    assigned_by = factory.SubFactory("tests.factories.AdminFactory")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A submitted review scoring every criterion of the candidate's call ``score`` (4 unless told)."""

    class Meta:
        model = "review.Review"

    class Params:
        score = "4"

    assignment = factory.SubFactory(
        AssignmentFactory, status="submitted", declared_at=factory.LazyFunction(timezone.now)
    )
    scores = factory.LazyAttribute(
        lambda review: {str(n): str(review.score) for n in _criterion_numbers(review.assignment.candidate.survey)}
    )
    justifications = factory.LazyAttribute(
        lambda review: {str(n): f"근거 {n}" for n in _criterion_numbers(review.assignment.candidate.survey)}
    )
    recommendation = "recommend"
    submitted_at = factory.LazyFunction(timezone.now)


def _criterion_numbers(survey) -> list[int]:
    return list(survey.criteria.order_by("number").values_list("number", flat=True))


# -- national committee and notices ------------------------------------------------------------------------------


class NationalMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.NationalMeeting"

    survey = factory.SubFactory(SurveyFactory, stage="national_committee")
    title = "제1차 국가첨단전략산업위원회"
    held_on = date(2026, 11, 20)
    created_by = factory.SubFactory("tests.factories.AdminFactory")


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.Resolution"

    meeting = factory.SubFactory(NationalMeetingFactory)
    candidate = factory.SubFactory(CandidateFactory, survey=factory.SelfAttribute("..meeting.survey"))
    decision = "designate"
    reason = "심의 결과"
    recorded_by = factory.SelfAttribute("meeting.created_by")


class NoticeFactory(factory.django.DjangoModelFactory):
    """A draft notice; ``published=True`` for one published (by its author) at ``published_at``."""

    class Meta:
        model = "review.Notice"

    class Params:
        published = factory.Trait(
            status="published",
            published_at=factory.LazyFunction(timezone.now),
            published_by=factory.SelfAttribute("created_by"),
            effective_on=factory.LazyAttribute(lambda notice: timezone.localdate(notice.published_at)),
        )

    survey = factory.SubFactory(SurveyFactory, stage="national_committee")
    number = factory.Sequence(lambda n: f"산업통상자원부 고시 제2026-{n + 100}호")
    title = "국가첨단전략기술 지정 고시"
    effective_on = date(2026, 4, 1)
    status = "draft"
    created_by = factory.SubFactory("tests.factories.AdminFactory")


class ResultFactory(factory.django.DjangoModelFactory):
    """A published result of an application under a published notice; objections open until now."""

    class Meta:
        model = "review.Result"

    application = factory.SubFactory(ApplicationFactory)
    notice = factory.SubFactory(NoticeFactory, survey=factory.SelfAttribute("..application.survey"), published=True)
    outcome = "rejected"
    published_at = factory.LazyFunction(timezone.now)
    objection_until = factory.SelfAttribute("published_at")


class ObjectionFactory(factory.django.DjangoModelFactory):
    """An objection to a result, lodged by the application's creator; ``upheld=True`` for one decided upheld and
    in re-review, as ``objection_decide`` leaves it."""

    class Meta:
        model = "review.Objection"

    class Params:
        upheld = factory.Trait(status="decided", outcome="upheld", follow_up="re_review")

    result = factory.SubFactory(ResultFactory)
    ground = "fact"
    body = "평가 사실관계에 오류가 있습니다."
    submitted_by = factory.SelfAttribute("result.application.created_by")


class ReReviewFactory(factory.django.DjangoModelFactory):
    """An expert asked to re-review the candidate of an upheld objection."""

    class Meta:
        model = "review.ReReview"

    objection = factory.SubFactory(ObjectionFactory, upheld=True)
    reviewer = factory.SubFactory("tests.factories.ReviewerFactory")
    assigned_by = factory.SubFactory("tests.factories.AdminFactory")


# -- people by role ----------------------------------------------------------------------------------------------


class _RoleUserFactory(UserFactory):
    """A user with one role (see ``make_user``); ``organization=…`` and ``manager=True`` pass through."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, organization=None, manager=False, **kwargs):
        return make_user(cls._role, organization=organization, manager=manager, **kwargs)


class ApplicantFactory(_RoleUserFactory):
    _role = Role.APPLICANT


class AdminFactory(_RoleUserFactory):
    _role = Role.ADMIN


class ReviewerFactory(_RoleUserFactory):
    """A reviewer (with TOTP) and their reviewer profile; ``profile=None`` for none."""

    _role = Role.REVIEWER
    profile = factory.RelatedFactory(ReviewerProfileFactory, factory_related_name="user")


def _minimal_pdf() -> bytes:
    """A one-page PDF that parses (uploads are refused unless pypdf reads them)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINIMAL_PDF = _minimal_pdf()
#: A small PDF that opens as a document (one empty page): reviewers' blind copies are made from it.
ONE_PAGE_PDF = MINIMAL_PDF


def store_pdf(queryset, field: str = "pdf", **updates) -> None:
    """Store a PDF as a render task would, without WeasyPrint and signing (seconds a test), for tests that need
    the file to exist but are not about what it says; ``updates`` go into the same UPDATE (e.g. its status)."""
    from portal.services.pdf import store_bytes

    stored = store_bytes(MINIMAL_PDF, folder="tests", filename="rendered.pdf")
    queryset.update(**{field: stored.name}, **updates)


def pdf_with_noise(size: int = 4096) -> bytes:
    """A PDF that parses (uploads must) carrying ``size`` random bytes, so every copy has its own SHA-256."""
    import io
    import os

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_attachment("noise.bin", os.urandom(size))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
