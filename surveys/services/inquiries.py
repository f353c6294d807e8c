"""Questions about a call and the ministry's answers (the call's FAQ)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from surveys.enums import AuditAction
from surveys.models import Inquiry, Survey


@transaction.atomic
def inquiry_ask(survey: Survey, *, question: str, actor, organization=None) -> Inquiry:
    if not survey.is_public:
        raise DomainError(_("Questions can be asked once the call is published."), code="state")
    question = question.strip()
    if not question:
        raise DomainError(_("Write your question."))
    inquiry = Inquiry.objects.create(survey=survey, question=question, asked_by=actor, organization=organization)
    audit_log(AuditAction.INQUIRY_ASKED, actor=actor, obj=inquiry, after={"survey": survey.pk})
    return inquiry


@transaction.atomic
def inquiry_answer(inquiry: Inquiry, *, answer: str, publish: bool, actor) -> Inquiry:
    inquiry = Inquiry.objects.select_for_update().select_related("survey", "asked_by").get(pk=inquiry.pk)
    answer = answer.strip()
    if not answer:
        raise DomainError(_("Write the answer."))
    before = {"answer": inquiry.answer, "is_published": inquiry.is_published}
    first_answer = not inquiry.answer
    inquiry.answer = answer
    inquiry.is_published = publish
    inquiry.answered_by = actor
    inquiry.answered_at = timezone.now()
    inquiry.save(update_fields=["answer", "is_published", "answered_by", "answered_at"])
    audit_log(
        AuditAction.INQUIRY_ANSWERED,
        actor=actor,
        obj=inquiry,
        before=before,
        after={"answer": answer, "is_published": publish},
    )
    if first_answer:
        mail_queue(
            "inquiry_answered",
            to=inquiry.asked_by.email,
            recipient_user=inquiry.asked_by,
            context={"inquiry": inquiry, "survey": inquiry.survey},
            topic=f"surveys.inquiry:{inquiry.pk}",
        )
    return inquiry
