"""Reads that span models."""

from django.db.models import Exists, OuterRef

from review.models import Assignment, Pledge


def reviewer_assignments(user):
    """A reviewer's assignments with whether the call's pledge is signed — one query."""
    pledged = Pledge.objects.filter(survey=OuterRef("candidate__survey"), reviewer=user)
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("candidate__survey")
        .annotate(pledged=Exists(pledged))
        .order_by("status", "due_on", "candidate__number")
    )


def confirmed_candidates(survey):
    """The technical coordination committee's confirmed list, without candidates the hearing took off."""
    from review.models import ConfirmedCandidate

    return (
        ConfirmedCandidate.objects.filter(confirmation__survey=survey, removed_at__isnull=True)
        .select_related("candidate").order_by("candidate__field_code", "candidate__number")
    )


def effective_resolutions(survey) -> dict:
    """candidate id → the resolution in force: the latest one of the call's national committee meetings that no
    later resolution corrects."""
    from review.models import Resolution

    in_force = (
        Resolution.objects.filter(meeting__survey=survey, correction__isnull=True)
        .select_related("meeting").order_by("candidate_id", "recorded_at", "pk")
    )
    result = {}
    for resolution in in_force:
        result[resolution.candidate_id] = resolution  # a later meeting's resolution replaces an earlier one
    return result
