"""Overdue reviews are reminded once each, and only while the review is still open."""

from datetime import date, timedelta

import pytest
from django.core import mail

from portal.models import OutboundMail
from review.models import Assignment
from review.services import reviewing
from review.services.reminders import overdue_reminders_send
from review.tasks import overdue_review_reminders
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


def test_submitted_declined_and_undated_reviews_are_left_alone(
    assignments, reviewers, django_capture_on_commit_callbacks
):
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


# -- before the due date -------------------------------------------------------------------


def test_reviewers_are_reminded_before_the_due_date_once_per_window(
    candidate,
    admin,
    reviewers,
    open_survey,
    django_capture_on_commit_callbacks,
):
    from review.services.reminders import due_reminders_send

    due = TODAY + timedelta(days=5)
    made = [assign(candidate, reviewer, admin) for reviewer in reviewers]
    Assignment.objects.filter(pk__in=[a.pk for a in made]).update(due_on=due)
    reviewers[1].preferred_language = "en"
    reviewers[1].save(update_fields=["preferred_language"])
    submit_review(made[2])  # done: not reminded
    with django_capture_on_commit_callbacks(execute=True):
        assert due_reminders_send(today=TODAY) == 0  # five days left
        assert due_reminders_send(today=TODAY + timedelta(days=2)) == 2  # D-3
        assert due_reminders_send(today=TODAY + timedelta(days=2)) == 0  # the beat again
        assert due_reminders_send(today=TODAY + timedelta(days=3)) == 0  # still inside D-3
        assert due_reminders_send(today=TODAY + timedelta(days=4)) == 2  # D-1
        assert due_reminders_send(today=TODAY + timedelta(days=6)) == 0  # past: the overdue reminder's turn
    sent = OutboundMail.objects.filter(template="review_due")
    assert sent.count() == 4
    assert set(sent.values_list("to", flat=True)) == {reviewers[0].email, reviewers[1].email}
    english = sent.filter(to=reviewers[1].email).first()
    korean = sent.filter(to=reviewers[0].email).first()
    assert english.language == "en" and "Reviews due on 2026-12-15" in english.subject
    assert korean.language == "ko" and "평가 마감" in korean.subject
    assert candidate.number in korean.body_text
    # reviewer names and other reviewers' work never appear
    assert reviewers[1].name not in korean.body_text


def test_one_due_reminder_lists_all_of_a_reviewers_open_reviews(
    open_survey,
    applicant,
    complete_answers,
    admin,
    reviewers,
    django_capture_on_commit_callbacks,
):
    from review.services.reminders import due_reminders_send
    from tests.review.helpers import accepted_candidate

    first = accepted_candidate(open_survey, applicant, complete_answers, admin, title="가 기술")
    second = accepted_candidate(open_survey, applicant, complete_answers, admin, title="나 기술")
    made = [assign(first, reviewers[0], admin), assign(second, reviewers[0], admin)]
    Assignment.objects.filter(pk__in=[a.pk for a in made]).update(due_on=TODAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert due_reminders_send(today=TODAY) == 1
    body = OutboundMail.objects.get(template="review_due").body_text
    assert first.number in body and second.number in body


def test_the_due_reminder_task_is_on_the_beat(settings):
    assert any(entry["task"] == "review.tasks.review_due_reminders" for entry in settings.CELERY_BEAT_SCHEDULE.values())
