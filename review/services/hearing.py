"""The hearing (찬반 의견 청취): public comments on the confirmed candidates and the ministry's public answers."""

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from review.enums import AuditAction, HearingChange, Stance
from review.models import ConfirmedCandidate, HearingComment
from review.selectors.hearing import accepted_applications
from review.services.blind import applicant_names, blind_title, redact
from surveys.models import Candidate, Survey

MAX_COMMENT = 4000
#: Answer fields whose change mails the commenter again.
MAILED_PARTS = ("answer", "change", "change_summary")


def window_open(survey: Survey, *, today: date | None = None) -> bool:
    """Whether comments are accepted: the call is in the hearing and today (Korea) is inside the window."""
    today = today or timezone.localdate()
    return (
        survey.in_gate("hearing_commenting")
        and survey.hearing_starts_on is not None
        and survey.hearing_ends_on is not None
        and survey.hearing_starts_on <= today <= survey.hearing_ends_on
    )


def window_refusal(survey: Survey, *, today: date | None = None) -> str:
    """Why a comment is refused now, or "" when the window is open."""
    today = today or timezone.localdate()
    if window_open(survey, today=today):
        return ""
    if not survey.in_gate("hearing_commenting") or survey.hearing_starts_on is None or survey.hearing_ends_on is None:
        return _("The comment period of this call is not open.")
    dates = {"start": survey.hearing_starts_on.isoformat(), "end": survey.hearing_ends_on.isoformat()}
    if today < survey.hearing_starts_on:
        return (
            _("The comment period has not started yet: comments are accepted from %(start)s to %(end)s (Korea time).")
            % dates
        )
    return _("The comment period ended on %(end)s (Korea time); comments are no longer accepted.") % dates


def mask_name(name: str) -> str:
    """The commenter as the public sees them: the first character of the name only."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else "***"


# Writes


@transaction.atomic
def hearing_comment_add(candidate: Candidate, *, stance: str, body: str, actor) -> HearingComment:
    """A signed-in user's comment for, against or neutral on a confirmed candidate, while the window is open."""
    survey = Survey.objects.select_for_update().get(pk=candidate.survey_id)
    refusal = window_refusal(survey)
    if refusal:
        raise DomainError(refusal, code="window")
    entry = ConfirmedCandidate.objects.filter(candidate=candidate).first()
    if entry is None or entry.removed_at is not None:
        raise DomainError(_("This candidate is no longer on the list; comments are closed."), code="removed")
    body = (body or "").strip()
    if stance not in Stance.values:
        raise DomainError(_("Choose for, against or neutral."), code="stance")
    if not body:
        raise DomainError(_("Write your comment."), code="body")
    if len(body) > MAX_COMMENT:
        raise DomainError(_("A comment may have at most %(n)d characters.") % {"n": MAX_COMMENT}, code="body")
    comment = HearingComment.objects.create(candidate=candidate, author=actor, stance=stance, body=body)
    audit_log(
        AuditAction.HEARING_COMMENTED,
        actor=actor,
        obj=comment,
        after={"candidate": candidate.number, "stance": stance, "body": body},
    )
    return comment


def _state(comment: HearingComment, candidate: Candidate, entry: ConfirmedCandidate) -> dict:
    return {
        "answer": comment.answer,
        "change": comment.change,
        "change_summary": comment.change_summary,
        "title": candidate.title,
        "removed": entry.removed_at is not None,
    }


def _title_change(summary: str, before: str, after: str) -> str:
    """The summary with the title's before and after appended, unless the admin already wrote both."""
    if before in summary and after in summary:
        return summary
    line = _("Technology name: “%(before)s” → “%(after)s”") % {"before": before, "after": after}
    return f"{summary}\n{line}" if summary else line


def _checked_summary(change: str, summary: str, *, candidate: Candidate, title_after: str) -> str:
    summary = (summary or "").strip()
    if change == HearingChange.NONE:
        return ""
    if change == HearingChange.AMENDED and title_after and title_after != candidate.title:
        names = applicant_names(
            accepted_applications([candidate.pk])
        )  # the summary is public: mask the titles like the list does
        return _title_change(summary, redact(candidate.title, names), redact(title_after, names))
    if not summary:
        raise DomainError(_("Describe the change this comment caused."), code="change_summary")
    return summary


def _apply_removal(entry: ConfirmedCandidate, comment: HearingComment, change: str) -> None:
    if change == HearingChange.REMOVED:
        if entry.removed_at is not None and entry.removed_by_id != comment.pk:
            raise DomainError(_("The candidate was already taken off the list after another comment."), code="change")
        if entry.removed_at is None:
            entry.removed_at = timezone.now()
            entry.removed_by = comment
            entry.save(update_fields=["removed_at", "removed_by"])
    elif entry.removed_by_id == comment.pk:
        entry.removed_at = None
        entry.removed_by = None
        entry.save(update_fields=["removed_at", "removed_by"])


@transaction.atomic
def hearing_comment_answer(
    comment: HearingComment,
    *,
    answer: str,
    change: str,
    change_summary: str = "",
    title: str = "",
    actor,
) -> HearingComment:
    """The ministry's public answer and the change the comment caused; editing an answer is audited too."""
    comment = HearingComment.objects.select_for_update().select_related("author").get(pk=comment.pk)
    candidate = Candidate.objects.select_for_update().select_related("survey").get(pk=comment.candidate_id)
    entry = ConfirmedCandidate.objects.select_for_update().get(candidate=candidate)
    if not candidate.survey.in_gate("hearing_answering"):
        message = _("Answers can be given only while the call is in the hearing or with the national committee.")
        raise DomainError(message, code="stage")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer."), code="answer")
    if change not in HearingChange.values:
        raise DomainError(_("Choose the change the comment caused."), code="change")
    title = (title or "").strip() if change == HearingChange.AMENDED else ""
    summary = _checked_summary(change, change_summary, candidate=candidate, title_after=title)
    before = _state(comment, candidate, entry)
    _apply_removal(entry, comment, change)
    if title and title != candidate.title:
        candidate.title = title
        candidate.save(update_fields=["title"])
        audit_log(
            AuditAction.HEARING_CANDIDATE_AMENDED,
            actor=actor,
            obj=candidate,
            before={"title": before["title"]},
            after={"title": title, "comment": comment.pk},
        )
    first = not comment.answer
    comment.answer, comment.change, comment.change_summary = answer, change, summary
    comment.answered_by = actor
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "change", "change_summary", "answered_by", "answered_at"])
    after = _state(comment, candidate, entry)
    audit_log(
        AuditAction.HEARING_ANSWERED if first else AuditAction.HEARING_ANSWER_EDITED,
        actor=actor,
        obj=comment,
        before=None if first else before,
        after=after,
    )
    if any(before[part] != after[part] for part in MAILED_PARTS):
        _mail_answer(comment, candidate)
    return comment


def _answer_version(comment: HearingComment) -> str:
    text = "\x1f".join(str(getattr(comment, part)) for part in MAILED_PARTS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _mail_answer(comment: HearingComment, candidate: Candidate) -> None:
    mail_queue(
        "hearing_answered",
        to=comment.author.email,
        recipient_user=comment.author,
        context={"comment": comment, "candidate": candidate, "title": blind_title(candidate)},
        topic=f"review.hearing:{comment.pk}",
        dedupe_key=f"hearing_answered:{comment.pk}:{_answer_version(comment)}",
    )
