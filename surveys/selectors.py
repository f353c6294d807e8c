"""Reads that span models."""

from django.db.models import Count, Prefetch, Q

from surveys.models import Field, Inquiry, Survey


def public_surveys():
    return Survey.objects.public().prefetch_related(
        Prefetch("fields", queryset=Field.objects.order_by("order", "code"))
    ).order_by("-deadline")


def survey_for_public(pk: int):
    return (
        Survey.objects.public()
        .prefetch_related("fields", "criteria", "guidance_files", "briefings",
                          Prefetch("inquiries", queryset=Inquiry.objects.published().order_by("-answered_at"), to_attr="faq"))
        .filter(pk=pk)
        .first()
    )


def surveys_for_admin():
    return Survey.objects.annotate(
        recipient_count=Count("recipients", distinct=True),
        open_questions=Count("inquiries", filter=Q(inquiries__answer=""), distinct=True),
    ).prefetch_related("fields").order_by("-created_at")
