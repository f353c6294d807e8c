"""Overdue reviews are reminded once each, and only while the review is still open."""

from datetime import date, timedelta

import pytest
from django.core import mail

from portal.models import OutboundMail
from review.models import Assignment
from review.services.reminders import overdue_reminders_send
from review.tasks import overdue_review_reminders
from review.services import reviewing
from tests.review.helpers import assign, submit_review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 10)


@pytest.fixture
def assignments(candidate, admin, reviewers):
    made = [assign(candidate, reviewer, admin) for reviewer in reviewers]
    for assignment, due in zip(made, [TODAY - timedelta(days=1), TODAY, TODAY - timedelta(days=3)]):
        Assignment.objects.filter(pk=assignment.pk).update(due_on=due)
    return made


def _to(user):
    """The overdue reminders sent to ``user``."""
    sent = set(OutboundMail.objects.filter(template="review_overdue", to=user.email).values_list("subject", flat=True))
    return [m for m in mail.outbox if user.email in m.to and m.subject in sent]


def test_each_overdue_review_is_reminded_once(assignments, reviewers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_reminders_send(today=TODAY) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_reminders_send(today=TODAY) == 0
        assert overdue_reminders_send(today=TODAY + timedelta(days=5)) == 1  # the one due today, later
    assert len(_to(reviewers[0])) == 1
    assert len(_to(reviewers[2])) == 1
    assert len(_to(reviewers[1])) == 1
    body = _to(reviewers[0])[0].body
    assert assignments[0].candidate.number in body and "2026-12-09" in body


def test_submitted_declined_and_undated_reviews_are_left_alone(assignments, reviewers, django_capture_on_commit_callbacks):
    submit_review(assignments[0])
    reviewing.decline(assignments[2], reviewer=reviewers[2], reason="일정")
    Assignment.objects.filter(pk=assignments[1].pk).update(due_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_reminders_send(today=TODAY + timedelta(days=30)) == 0
    assert not any(_to(reviewer) for reviewer in reviewers)


def test_the_beat_task_runs_the_service(assignments, reviewers, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to("2026-12-10 09:00 +09:00")
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_review_reminders.apply().get() == 2
