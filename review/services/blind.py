"""The redacted view reviewers get: no organisation or person names, numbers or contact data."""

import re
from dataclasses import dataclass

from surveys.enums import ApplicationStatus
from surveys.models import Application
from surveys.services.applications import labelled_answers

MASK = "○○○"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Digit look-arounds, not \b: Korean particles glued to a number (“02-123-4567로”) are word characters.
PHONE = re.compile(r"(?<!\d)0\d{1,2}[-. ]?\d{3,4}[-. ]?\d{4}(?!\d)")
BUSINESS_NUMBER = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{5}(?!\d)")
HIDDEN_SECTIONS = {"contact"}
HIDDEN_FIELDS = {"contact_name", "contact_department", "contact_phone", "contact_email"}
SUFFIXES = ("주식회사", "(주)", "㈜", "Co., Ltd.", "Inc.")


@dataclass
class BlindProposal:
    label: str
    sections: list[tuple[str, list[tuple[str, str, str]]]]
    attachments: list[dict]


def applicant_names(applications) -> list[str]:
    """The names to mask: the applicants, their associations, who filed, the contact person."""
    names = set()
    for application in applications:
        organizations = [application.organization, *application.organization.associations.all()]
        if application.association:
            organizations.append(application.association)
        for organization in organizations:
            for name in (organization.name, organization.name_en, organization.code):
                if name and len(name) >= 2:
                    names.add(name)
                    stripped = name
                    for suffix in SUFFIXES:
                        stripped = stripped.replace(suffix, "")
                    if len(stripped.strip()) >= 2:
                        names.add(stripped.strip())
        for person in (application.created_by, application.updated_by):
            if person.name and len(person.name) >= 2:
                names.add(person.name)
                names.add(person.name.split()[0])
        contact = application.answers.get("contact", {})
        if contact.get("contact_name"):
            names.add(contact["contact_name"])
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def redact(text: str, names: list[str]) -> str:
    text = EMAIL.sub(MASK, text)
    text = BUSINESS_NUMBER.sub(MASK, text)
    text = PHONE.sub(MASK, text)
    for name in names:
        text = re.sub(re.escape(name), MASK, text, flags=re.IGNORECASE)
    return text


def _applications_of(candidate_ids):
    return (
        Application.objects.filter(candidate_id__in=candidate_ids)
        .select_related("organization", "association", "created_by", "updated_by")
        .prefetch_related("organization__associations")
        .order_by("pk")
    )


def candidate_names(candidate) -> list[str]:
    """The names to mask in anything said about a candidate: its applicants, their associations, who filed."""
    return applicant_names(_applications_of([candidate.pk]))


def blind_title(candidate) -> str:
    """The candidate's technology name as reviewers see it: applicants often put their own name in it."""
    return redact(candidate.title, candidate_names(candidate))


def blind_titles(candidates) -> dict[int, str]:
    """candidate id → its blind title, for many candidates in two queries."""
    candidates = list(candidates)
    by_candidate = {candidate.pk: [] for candidate in candidates}
    for application in _applications_of(by_candidate):
        by_candidate[application.candidate_id].append(application)
    return {candidate.pk: redact(candidate.title, applicant_names(by_candidate[candidate.pk])) for candidate in candidates}


def blind_proposals(candidate) -> list[BlindProposal]:
    applications = list(
        Application.objects.filter(candidate=candidate, status=ApplicationStatus.ACCEPTED)
        .select_related("organization", "association", "created_by", "updated_by", "survey")
        .prefetch_related("organization__associations")
        .order_by("pk")
    )
    names = applicant_names(applications)
    proposals = []
    for index, application in enumerate(applications, start=1):
        latest = application.versions.order_by("-number").first()
        if latest is None:
            continue
        sections = []
        for title, rows in labelled_answers(application.survey, latest.answers):
            kept = [(name, label, redact(value, names)) for name, label, value in rows if name not in HIDDEN_FIELDS]
            if kept:
                sections.append((title, kept))
        attachments = [
            {"index": n, "id": a["id"], "kind": a.get("kind", ""), "size": a.get("size", 0), "sha256": a["sha256"]}
            for n, a in enumerate(latest.attachments, start=1)
        ]
        proposals.append(BlindProposal(label=str(index), sections=sections, attachments=attachments))
    return proposals


def blind_pdf(assignment) -> bytes:
    """The reviewer's rendering of the redacted application: the review page's PDF and the blind bundle's."""
    from portal.services.pdf import render_pdf
    from surveys.selectors import field_names

    candidate = assignment.candidate
    return render_pdf("review/pdf/blind.html", {
        "candidate": candidate, "assignment": assignment, "title": blind_title(candidate),
        "field_name": field_names([candidate.field_code]).get(candidate.field_code, candidate.field_code),
        "proposals": blind_proposals(candidate),
    })
