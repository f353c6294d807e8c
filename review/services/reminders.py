"""Reviewers' reminders: before the due date (D-3, D-1), and once for each open assignment past it; experts asked
for an objection's re-review, before its due date."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.services.mail import mail_queue
from review.enums import AssignmentStatus, ObjectionFollowUp
from review.models import Assignment, ReReview

OPEN = [AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED]


def overdue_reminders_send(today=None) -> int:
    """Queue one reminder per overdue assignment (due before ``today``, Korea time); returns how many."""
    today = today or timezone.localdate()
    sent = 0
    overdue = (
        Assignment.objects.filter(status__in=OPEN, due_on__lt=today, reminded_at__isnull=True)
        .select_related("reviewer", "candidate__survey")
        .order_by("pk")
    )
    for assignment in overdue:
        with transaction.atomic():
            mail = mail_queue(
                "review_overdue",
                to=assignment.reviewer.email,
                recipient_user=assignment.reviewer,
                context={"assignment": assignment, "candidate": assignment.candidate},
                topic=f"review.assignment:{assignment.pk}",
                dedupe_key=f"review.overdue:{assignment.pk}",
            )
            Assignment.objects.filter(pk=assignment.pk).update(reminded_at=timezone.now())
        sent += mail is not None
    return sent


#: Days before an assignment's due date at which its reviewer is reminded.
DUE_THRESHOLDS = [(3, "3d"), (1, "1d")]


def due_reminders_send(today=None) -> int:
    """Before the due date: one mail per reviewer, call and due date listing the open reviews, once per
    window (D-3, D-1), in the reviewer's language; returns how many were queued."""
    from surveys.services.reminders import day_label

    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(days for days, _ in DUE_THRESHOLDS))
    open_work = (
        Assignment.objects.filter(status__in=OPEN, due_on__gte=today, due_on__lte=horizon)
        .select_related("reviewer", "candidate__survey")
        .order_by("reviewer_id", "candidate__survey_id", "due_on", "candidate__number")
    )
    groups: dict[tuple, list[Assignment]] = {}
    for assignment in open_work:
        groups.setdefault((assignment.reviewer_id, assignment.candidate.survey_id, assignment.due_on), []).append(
            assignment
        )
    sent = 0
    for (reviewer_id, survey_id, due_on), assignments in groups.items():
        label = day_label((due_on - today).days)
        if not label:
            continue
        reviewer = assignments[0].reviewer
        with transaction.atomic():
            mail = mail_queue(
                "review_due",
                to=reviewer.email,
                recipient_user=reviewer,
                context={"assignments": assignments, "survey": assignments[0].candidate.survey, "due_on": due_on},
                topic=f"review.due:{reviewer_id}:{survey_id}",
                dedupe_key=f"review.due:{reviewer_id}:{survey_id}:{due_on:%Y%m%d}:{label}",
            )
        sent += mail is not None
    return sent + re_review_due_reminders_send(today)


def re_review_due_reminders_send(today=None) -> int:
    """Before a re-review's due date: one mail per open re-review and window (D-3, D-1), in the expert's
    language, while the objection is still in its re-review; returns how many were queued."""
    from surveys.services.reminders import day_label

    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(days for days, _ in DUE_THRESHOLDS))
    open_re_reviews = (
        ReReview.objects.filter(
            submitted_at__isnull=True,
            declined_at__isnull=True,
            due_on__gte=today,
            due_on__lte=horizon,
            objection__follow_up=ObjectionFollowUp.RE_REVIEW,
        )
        .select_related("reviewer", "objection__result__application__survey")
        .order_by("pk")
    )
    sent = 0
    for re_review in open_re_reviews:
        label = day_label((re_review.due_on - today).days)
        if not label:
            continue
        with transaction.atomic():
            mail = mail_queue(
                "re_review_due",
                to=re_review.reviewer.email,
                recipient_user=re_review.reviewer,
                context={"re_review": re_review, "survey": re_review.objection.result.application.survey},
                topic=f"review.objection:{re_review.objection_id}",
                dedupe_key=f"re_review.due:{re_review.pk}:{label}",
            )
        sent += mail is not None
    return sent
