"""Reminders for overdue reviews: each open assignment past its due date is reminded once."""

from django.db import transaction
from django.utils import timezone

from portal.services.mail import mail_queue
from review.enums import AssignmentStatus
from review.models import Assignment

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
