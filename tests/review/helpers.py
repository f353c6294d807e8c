"""Helpers shared by the review tests: candidates, reviewers, reviews."""

from review.models import Assignment
from review.services import assignment as assigning
from review.services import reviewing
from surveys.models import Application
from surveys.services import applications as service
from surveys.services.intake import intake_accept
from tests.collection.helpers import body, log_in, pdf_text  # noqa: F401 (shared with the review tests)
from tests.factories import PanelMemberFactory, ReviewerFactory, organization_of


def accepted_application(survey, user, answers, admin, *, organization=None, title=None, attachments=()):
    """A complete application, submitted directly and accepted at intake (which makes its candidate)."""
    if title:
        answers = {**answers, "basic": {**answers["basic"], "technology_name": title}}
    application = service.application_create(survey, organization=organization or organization_of(user), actor=user)
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    for upload in attachments:
        service.attachment_add(application, upload=upload, actor=user)
    service.application_submit(Application.objects.get(pk=application.pk), actor=user)
    return intake_accept(Application.objects.get(pk=application.pk), actor=admin)


def accepted_candidate(survey, user, answers, admin, **kwargs):
    return accepted_application(survey, user, answers, admin, **kwargs).candidate


def add_reviewer(panel=None, *, name=None, organization_name="한국기계연구원", organization=None, **kwargs):
    """A reviewer (with TOTP) with a profile, on the panel when one is given."""
    if name is not None:
        kwargs["name"] = name
    user = ReviewerFactory(profile__organization_name=organization_name, profile__organization=organization, **kwargs)
    if panel is not None:
        PanelMemberFactory(panel=panel, reviewer=user)
    return user


def assign(candidate, reviewer, admin) -> Assignment:
    return assigning.assign_by_hand(candidate, reviewer, actor=admin)


def accept(assignment: Assignment) -> Assignment:
    """Pledge for the call and declare no conflict."""
    reviewer = assignment.reviewer
    reviewing.pledge_sign(assignment.candidate.survey, reviewer=reviewer, signed_name=reviewer.name)
    return reviewing.declare(assignment, reviewer=reviewer, has_conflict=False)


def criterion_numbers(survey) -> list[int]:
    return list(survey.criteria.order_by("number").values_list("number", flat=True))


def full_scores(survey, value="4", **overrides) -> dict[str, str]:
    scores = {str(n): str(value) for n in criterion_numbers(survey)}
    scores.update({k.removeprefix("c"): str(v) for k, v in overrides.items()})
    return scores


def justifications(survey, text="근거") -> dict[str, str]:
    return {str(n): f"{text} {n}" for n in criterion_numbers(survey)}


def submit_review(assignment, *, scores=None, texts=None, recommendation="recommend", comment=""):
    """Accept (if needed) and submit a complete review."""
    assignment = Assignment.objects.get(pk=assignment.pk)
    survey = assignment.candidate.survey
    if assignment.status == "assigned":
        assignment = accept(assignment)
    return reviewing.review_save(
        assignment,
        reviewer=assignment.reviewer,
        scores=scores or full_scores(survey),
        justifications=texts or justifications(survey),
        recommendation=recommendation,
        comment=comment,
        submit=True,
    )
