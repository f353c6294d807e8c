"""Permission predicates for review (django-rules)."""

import rules

from portal.rules import is_ministry_admin, is_reviewer, is_secretary


@rules.predicate
def is_own_assignment(user, assignment) -> bool:
    return bool(user and user.is_authenticated and assignment is not None and assignment.reviewer_id == user.pk)


rules.add_perm("review.manage", is_ministry_admin)
rules.add_perm("review.see_scores", is_ministry_admin | is_secretary)
rules.add_perm("review.work_on_assignment", is_reviewer & is_own_assignment)
rules.add_perm("review.deliberate", is_ministry_admin | is_secretary)
rules.add_perm("review.staff_search", is_ministry_admin | is_secretary)
rules.add_perm("review.view_statistics", is_ministry_admin)
rules.add_perm("review.answer_hearing", is_ministry_admin)
rules.add_perm("review.publish_notice", is_ministry_admin)
rules.add_perm("review.handle_objections", is_ministry_admin)


@rules.predicate
def is_on_the_plans_panel(user, candidate) -> bool:
    """A reviewer assigned to this plan (a member of its advisory panel)."""
    from review.models import Assignment

    return bool(
        user
        and user.is_authenticated
        and candidate is not None
        and Assignment.objects.filter(candidate=candidate, reviewer=user).exists()
    )


@rules.predicate
def has_site_visits(user, candidate) -> bool:
    """The call's pipeline has site visits (the specialised-complex call's advisory panel)."""
    return candidate is not None and "site_visits" in candidate.survey.pipeline.gates


rules.add_perm("review.view_site_visits", has_site_visits & (is_ministry_admin | is_secretary | is_on_the_plans_panel))
rules.add_perm("review.record_site_visit", has_site_visits & (is_ministry_admin | is_on_the_plans_panel))
rules.add_perm("review.manage_register", is_ministry_admin)


@rules.predicate
def hearing_is_public(user, survey) -> bool:
    """The call's candidate list and its hearing comments are public now (its pipeline's ``hearing_public`` gate)."""
    return survey is not None and survey.in_gate("hearing_public")


@rules.predicate
def hearing_takes_answers(user, survey) -> bool:
    return survey is not None and survey.in_gate("hearing_answering")


rules.add_perm("review.view_hearing", hearing_is_public)
rules.add_perm("review.answer_hearing_now", is_ministry_admin & hearing_takes_answers)

# An international R&D call's evaluation layers: set up, followed and closed by the admin or the secretary.
rules.add_perm("review.run_layers", is_ministry_admin | is_secretary)


@rules.predicate
def is_own_re_review(user, re_review) -> bool:
    return bool(user and user.is_authenticated and re_review is not None and re_review.reviewer_id == user.pk)


# An upheld objection's re-review: only the expert it was asked of, while they still hold the reviewer role.
rules.add_perm("review.re_review", is_reviewer & is_own_re_review)
