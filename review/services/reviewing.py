"""What a reviewer does: pledge, declare, decline, score, submit."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.context import current_ip
from portal.exceptions import DomainError
from portal.services.audit import audit_log
from review.enums import ASSIGNMENT_TRANSITIONS, AssignmentStatus, AuditAction, Recommendation
from review.models import Assignment, Pledge, Review
from review.services import scores as stored_scores
from review.services.assignment import replace

PLEDGE_TEXT = (
    "본인은 국가첨단전략기술 지정 심의와 관련하여 알게 된 신청 기술, 신청기관 및 평가 내용 등 일체의 정보를 "
    "외부에 누설하거나 평가 이외의 목적으로 이용하지 않으며, 산업기술보호법 등 관계 법령을 준수할 것을 서약합니다."
)


def _lock(assignment: Assignment, reviewer) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("candidate__survey").get(pk=assignment.pk)
    if assignment.reviewer_id != reviewer.pk:
        raise DomainError(_("This is not your assignment."), code="forbidden")
    return assignment


def _move(assignment: Assignment, to: str) -> None:
    if to not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        raise DomainError(
            _("An assignment that is “%(current)s” cannot become “%(target)s”.")
            % {"current": AssignmentStatus(assignment.status).label, "target": AssignmentStatus(to).label},
            code="transition",
        )
    assignment.status = to


# Titles and honorifics a signer may add or leave out: "이도현 교수", "이도현", "Dr. Lee" all sign for
# the same registered name. Longer titles come first so that "책임연구원" is not read as "연구원".
NAME_TITLES = sorted(
    {
        "교수",
        "명예교수",
        "부교수",
        "조교수",
        "박사",
        "연구원",
        "책임연구원",
        "선임연구원",
        "수석연구원",
        "전임연구원",
        "연구위원",
        "위원",
        "위원장",
        "대표",
        "대표이사",
        "이사",
        "전무",
        "상무",
        "원장",
        "소장",
        "센터장",
        "본부장",
        "단장",
        "실장",
        "부장",
        "팀장",
        "과장",
        "차장",
        "님",
        "선생님",
        "변호사",
        "변리사",
        "회계사",
        "prof",
        "professor",
        "dr",
        "mr",
        "mrs",
        "ms",
        "phd",
    },
    key=len,
    reverse=True,
)


def signature_key(name: str) -> str:
    """A name without spaces, punctuation or titles, for comparing a signature with the account's name."""
    words = [word.strip(".,·()") for word in (name or "").casefold().split()]
    words = [word for word in words if word and word.removesuffix("님") not in NAME_TITLES]
    key = "".join(words)
    stripped = True
    while stripped:  # titles typed without a space: "이도현교수", "이도현교수님"
        stripped = False
        for title in NAME_TITLES:
            if key.endswith(title) and len(key) - len(title) >= 2:
                key, stripped = key[: -len(title)], True
                break
    return key


def signature_matches(signed: str, registered: str) -> bool:
    signed_key, registered_key = signature_key(signed), signature_key(registered)
    return bool(signed_key) and signed_key == registered_key


def has_pledged(survey, reviewer) -> bool:
    return Pledge.objects.filter(survey=survey, reviewer=reviewer).exists()


@transaction.atomic
def pledge_sign(survey, *, reviewer, signed_name: str) -> Pledge:
    signed_name = " ".join(signed_name.split())
    if not signature_matches(signed_name, reviewer.name):
        raise DomainError(
            _("Type your name as registered (%(name)s) to sign; a title may be left out.") % {"name": reviewer.name}
        )
    pledge, created = Pledge.objects.get_or_create(
        survey=survey,
        reviewer=reviewer,
        defaults={"text": PLEDGE_TEXT, "signed_name": signed_name, "ip_address": current_ip.get()},
    )
    if created:
        audit_log(AuditAction.PLEDGE_SIGNED, actor=reviewer, obj=pledge, after={"survey": survey.pk})
    return pledge


@transaction.atomic
def declare(assignment: Assignment, *, reviewer, has_conflict: bool, note: str = "") -> Assignment:
    """The conflict-of-interest declaration for one candidate; a conflict ends the assignment."""
    assignment = _lock(assignment, reviewer)
    if not has_pledged(assignment.candidate.survey, reviewer):
        raise DomainError(_("Sign the confidentiality pledge for this call first."), code="pledge")
    if has_conflict and not note.strip():
        raise DomainError(_("Describe the conflict of interest."))
    _move(assignment, AssignmentStatus.CONFLICTED if has_conflict else AssignmentStatus.ACCEPTED)
    assignment.declared_at = timezone.now()
    assignment.declaration_note = note.strip()
    assignment.save(update_fields=["status", "declared_at", "declaration_note"])
    audit_log(
        AuditAction.CONFLICTED if has_conflict else AuditAction.DECLARED,
        actor=reviewer,
        obj=assignment,
        after={"conflict": has_conflict},
    )
    if has_conflict:
        replace(assignment, actor=reviewer)
    return assignment


@transaction.atomic
def decline(assignment: Assignment, *, reviewer, reason: str) -> Assignment:
    assignment = _lock(assignment, reviewer)
    if not reason.strip():
        raise DomainError(_("Write why you decline."))
    _move(assignment, AssignmentStatus.DECLINED)
    assignment.declaration_note = reason.strip()
    assignment.save(update_fields=["status", "declaration_note"])
    audit_log(AuditAction.DECLINED, actor=reviewer, obj=assignment, after={"reason": reason.strip()})
    replace(assignment, actor=reviewer)
    return assignment


def _score(value, survey) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_("Scores are numbers.")) from None
    if not score.is_finite():  # NaN cannot even be compared with the scale's ends
        raise DomainError(_("Scores are numbers."))
    step = Decimal("0.5") if survey.half_points else Decimal("1")
    if score < survey.score_min or score > survey.score_max or (score / step) % 1:
        raise DomainError(
            _("Scores run from %(low)s to %(high)s in steps of %(step)s.")
            % {"low": survey.score_min, "high": survey.score_max, "step": step.normalize()},
            code="scale",
        )
    return score


def clean_scores(survey, scores: dict, justifications: dict) -> tuple[dict, dict, list[int]]:
    """Scores on the call's scale and justifications per criterion, and the criteria still lacking either."""
    kept, clean_texts, missing = {}, {}, []
    for criterion in survey.criteria.order_by("number"):
        key = str(criterion.number)
        score = _score(scores.get(key), survey)
        text = (justifications.get(key) or "").strip()
        if score is not None:
            kept[key] = str(score)
        if text:
            clean_texts[key] = text
        if score is None or not text:
            missing.append(criterion.number)
    return kept, clean_texts, missing


@transaction.atomic
def review_save(
    assignment: Assignment,
    *,
    reviewer,
    scores: dict,
    justifications: dict,
    recommendation: str,
    comment: str = "",
    submit: bool = False,
) -> Review:
    """Save a draft or submit. A submitted review never changes."""
    assignment = _lock(assignment, reviewer)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise DomainError(_("This review was submitted and can no longer change."), code="submitted")
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise DomainError(_("Sign the pledge and declare your conflicts of interest first."), code="state")
    if assignment.layer != 1:
        raise DomainError(_("A panel member records a judgement, not scores."), code="layer")
    survey = assignment.candidate.survey
    scores_clean, clean_texts, missing = clean_scores(survey, scores, justifications)
    if recommendation and recommendation not in Recommendation.values:
        raise DomainError(_("Choose an overall recommendation."))
    review, _created = Review.objects.get_or_create(assignment=assignment)
    review.scores, review.justifications = scores_clean, clean_texts
    review.recommendation, review.comment = recommendation, comment.strip()
    if submit:
        if missing:
            raise DomainError(
                _("Give a score and a justification for every criterion (missing: %(list)s).")
                % {"list": ", ".join(str(n) for n in missing)},
                code="incomplete",
            )
        if not recommendation:
            raise DomainError(_("Choose an overall recommendation."), code="incomplete")
        review.submitted_at = timezone.now()
        _move(assignment, AssignmentStatus.SUBMITTED)
        assignment.save(update_fields=["status"])
    review.save()
    if submit:
        stored_scores.refresh(survey, [assignment.candidate_id])
    audit_log(
        AuditAction.REVIEW_SUBMITTED if submit else AuditAction.REVIEW_SAVED,
        actor=reviewer,
        obj=assignment,
        after={"scores": scores_clean, "recommendation": recommendation},
    )
    return review
