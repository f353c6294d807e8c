"""Reminders before the collection's deadlines, each sent once (a unique ``dedupe_key`` on the mail),
in the language of the person it goes to.

- drafts: the draft's creator, D-3 and D-1 before the call's deadline;
- invitations: invited organisations that have not started an application and have not declined,
  D-7, D-3 and D-1 before the call's deadline;
- corrections: the creator of an application returned for correction, D-3 and D-1 before its
  correction date;
- associations: the association's staff while member applications wait for their check or
  forwarding, and members with drafts through the association, D-3 and D-1 before its internal deadline.

A run far from the deadline sends nothing; a run inside a window sends that window's reminder once,
so the beat running twice, or on several machines, mails once.
"""

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.enums import Role
from portal.models import OutboundMail, User
from portal.selectors import people_with_role
from portal.services.mail import mail_queue
from surveys.enums import ApplicationStatus, SurveyStage
from surveys.models import Application, AssociationDeadline, Recipient

THRESHOLDS = [(timedelta(days=3), "3d"), (timedelta(days=1), "1d")]
INVITATION_THRESHOLDS = [(timedelta(days=7), "7d"), (timedelta(days=3), "3d"), (timedelta(days=1), "1d")]
#: Days before a date-only deadline (a correction date) at which its reminder goes out.
DAY_THRESHOLDS = [(3, "3d"), (1, "1d")]
#: An association's members and staff: applications the association still has to check or forward.
WITH_ASSOCIATION = [ApplicationStatus.ASSOCIATION_REVIEW, ApplicationStatus.ENDORSED]
MEMBER_OPEN = [ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_BY_ASSOCIATION]


def window_label(remaining: timedelta, thresholds) -> str | None:
    """The tightest window the time left falls into: with two days left, "3d" (not "7d")."""
    label = None
    for window, name in sorted(thresholds, key=lambda t: t[0], reverse=True):
        if timedelta(0) < remaining <= window:
            label = name
    return label


def day_label(days_left: int) -> str | None:
    """For date-only deadlines: "3d" from three days before, "1d" from the day before and on the day."""
    if days_left < 0:
        return None
    label = None
    for days, name in DAY_THRESHOLDS:
        if days_left <= days:
            label = name
    return label


def _already_sent(keys) -> set[str]:
    return set(OutboundMail.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))


def _users_by_email(emails) -> dict[str, User]:
    emails = {e.lower() for e in emails}
    return {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)} if emails else {}


def _queue(template, *, to, user, context, topic, key) -> bool:
    return mail_queue(template, to=to, recipient_user=user, context=context, topic=topic, dedupe_key=key) is not None


def draft_reminders_send(now: datetime) -> int:
    sent = 0
    for window, label in THRESHOLDS:
        drafts = Application.objects.filter(
            status=ApplicationStatus.DRAFT,
            survey__stage__in=[SurveyStage.COLLECTION],
            survey__deadline__gt=now,
            survey__deadline__lte=now + window,
        ).select_related("survey", "created_by", "organization")
        for application in drafts:
            sent += _queue(
                "deadline_reminder",
                to=application.created_by.email,
                user=application.created_by,
                context={"application": application, "survey": application.survey},
                topic=f"surveys.application:{application.pk}",
                key=f"surveys.reminder:{application.pk}:{label}",
            )
    return sent


def invitation_reminders_send(now: datetime) -> int:
    """Invited organisations that have neither started nor declined, D-7, D-3 and D-1."""
    longest = max(window for window, _ in INVITATION_THRESHOLDS)
    started = Application.objects.filter(survey_id=OuterRef("survey_id")).filter(
        Q(organization_id=OuterRef("organization_id"))
        | Q(organization__memberships__user__email=OuterRef("email"), organization__memberships__is_active=True)
    )
    recipients = list(
        Recipient.objects.filter(
            mail__isnull=False,
            declined_at__isnull=True,
            survey__stage__in=[SurveyStage.DISTRIBUTION, SurveyStage.COLLECTION],
            survey__deadline__gt=now,
            survey__deadline__lte=now + longest,
        )
        .exclude(Exists(started))
        .select_related("survey")
        .order_by("pk")
    )
    due = {}
    for recipient in recipients:
        label = window_label(recipient.survey.deadline - now, INVITATION_THRESHOLDS)
        if label:
            due[f"surveys.invitation_reminder:{recipient.pk}:{label}"] = recipient
    sent_keys = _already_sent(due)
    users = _users_by_email(r.email for key, r in due.items() if key not in sent_keys)
    sent = 0
    for key, recipient in due.items():
        if key in sent_keys:
            continue
        sent += _queue(
            "invitation_reminder",
            to=recipient.email,
            user=users.get(recipient.email.lower()),
            context={"recipient": recipient, "survey": recipient.survey, "decline_token": recipient.decline_token},
            topic=f"surveys.invitation:{recipient.pk}",
            key=key,
        )
    return sent


def correction_reminders_send(today: date) -> int:
    """Applications returned for correction (by MOTIE or the association), before their correction date."""
    applications = (
        Application.objects.filter(
            status__in=[ApplicationStatus.RETURNED, ApplicationStatus.RETURNED_BY_ASSOCIATION],
            correction_due__gte=today,
            correction_due__lte=today + timedelta(days=max(d for d, _ in DAY_THRESHOLDS)),
        )
        .select_related("survey", "created_by", "organization")
        .order_by("pk")
    )
    sent = 0
    for application in applications:
        label = day_label((application.correction_due - today).days)
        if not label:
            continue
        key = f"surveys.correction_reminder:{application.pk}:{application.correction_due:%Y%m%d}:{label}"
        sent += _queue(
            "correction_reminder",
            to=application.created_by.email,
            user=application.created_by,
            context={"application": application, "survey": application.survey},
            topic=f"surveys.application:{application.pk}",
            key=key,
        )
    return sent


def association_reminders_send(now: datetime) -> int:
    """Before an association's internal deadline: its staff, when member applications wait for them,
    and the members whose drafts go through it."""
    longest = max(window for window, _ in THRESHOLDS)
    deadlines = list(
        AssociationDeadline.objects.filter(
            survey__stage=SurveyStage.COLLECTION,
            deadline__gt=now,
            deadline__lte=now + longest,
        ).select_related("survey", "association")
    )
    sent = 0
    for internal in deadlines:
        label = window_label(internal.deadline - now, THRESHOLDS)
        if not label:
            continue
        applications = Application.objects.filter(survey=internal.survey, association=internal.association)
        waiting = applications.filter(status__in=WITH_ASSOCIATION).count()
        if waiting:
            for staff in people_with_role(Role.ASSOCIATION_STAFF, organization=internal.association):
                sent += _queue(
                    "association_deadline_reminder",
                    to=staff.email,
                    user=staff,
                    context={"internal": internal, "survey": internal.survey, "waiting": waiting},
                    topic=f"surveys.association_deadline:{internal.pk}",
                    key=f"surveys.association_reminder:{internal.pk}:{staff.pk}:{internal.deadline:%Y%m%d%H%M}:{label}",
                )
        for application in applications.filter(status__in=MEMBER_OPEN).select_related("created_by").order_by("pk"):
            sent += _queue(
                "member_deadline_reminder",
                to=application.created_by.email,
                user=application.created_by,
                context={"internal": internal, "survey": internal.survey, "application": application},
                topic=f"surveys.application:{application.pk}",
                key=f"surveys.member_reminder:{application.pk}:{internal.deadline:%Y%m%d%H%M}:{label}",
            )
    return sent


def reminders_send(now=None) -> int:
    """Every collection reminder due now; returns how many mails were queued."""
    now = now or timezone.now()
    return (
        draft_reminders_send(now)
        + invitation_reminders_send(now)
        + correction_reminders_send(timezone.localdate(now))
        + association_reminders_send(now)
    )
