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
