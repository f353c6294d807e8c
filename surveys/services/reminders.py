"""Deadline reminders: each draft's organisation is reminded once per threshold."""

from datetime import timedelta

from django.utils import timezone

from portal.services.mail import mail_queue
from surveys.enums import ApplicationStatus, SurveyStage
from surveys.models import Application

THRESHOLDS = [(timedelta(days=3), "3d"), (timedelta(days=1), "1d")]


def reminders_send(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    for window, label in THRESHOLDS:
        drafts = (
            Application.objects.filter(
                status=ApplicationStatus.DRAFT,
                survey__stage__in=[SurveyStage.COLLECTION],
                survey__deadline__gt=now,
                survey__deadline__lte=now + window,
            )
            .select_related("survey", "created_by", "organization")
        )
        for application in drafts:
            mail = mail_queue(
                "deadline_reminder",
                to=application.created_by.email,
                recipient_user=application.created_by,
                context={"application": application, "survey": application.survey},
                topic=f"surveys.application:{application.pk}",
                dedupe_key=f"surveys.reminder:{application.pk}:{label}",
            )
            sent += mail is not None
    return sent
