"""The redacted view reviewers get: no organisation or person names, numbers or contact data.

One rule for every blind or public text (the reviewer's page and PDF, the committee book, the hearing page,
objections): names are matched on a normalised form that ignores spaces, hyphens, dots and case, so “가 람 정 밀”,
“G a r a m” and “Garam-Tech” are the same name; e-mail addresses, Korean and international phone numbers, business
(000-00-00000) and corporate (000000-0000000) registration numbers are matched in any spacing.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from surveys.enums import ApplicationStatus
from surveys.models import Application, Attachment, BlindCopy
from surveys.services.applications import labelled_answers
from surveys.services.blind_copies import blind_copy_for

MASK = "○○○"

#: Characters a name is matched without: white space (also zero-width and no-break), hyphens and dashes, dots.
IGNORED = frozenset("-‐‑‒–—―−﹘﹣－_.·•․‧・｡。､、,，'’`\"()[]{}（）「」『』\u00ad\u200b\u200c\u200d\u2060\ufeff")
#: Separators allowed between the digit groups of a number.
SEP = r"[\s\-‐‑‒–—―−－.·/]*"
D = r"[0-9０-９]"
EMAIL = re.compile(r"[\w.+-]+\s*(?:@|＠|\[at\]|\(at\))\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
#: Korean numbers: area codes and mobile prefixes (02, 031, 010, 070, 0505 …), with or without +82 / 82 and “(0)”,
#: and the four-digit service numbers (1588-1234).
PHONE = re.compile(
    rf"(?<![0-9０-９])(?:(?:(?:\+|＋|00)\s*82|82(?=[\s\-.])){SEP}(?:\(0\){SEP}|0{SEP})?\(?{D}{{1,3}}\)?|\(?0{D}{{1,3}}\)?)"
    rf"{SEP}{D}{{3,4}}{SEP}{D}{{4}}(?![0-9０-９])"
    rf"|(?<![0-9０-９])1[5-9]{D}{{2}}{SEP}{D}{{4}}(?![0-9０-９])"
)
#: Any other international number: “+” and a country code, then 6 to 14 more digits in groups.
INTERNATIONAL_PHONE = re.compile(rf"(?:\+|＋)\s*{D}{{1,3}}(?:{SEP}\(?{D}{{1,5}}\)?){{2,6}}(?![0-9０-９])")
BUSINESS_NUMBER = re.compile(rf"(?<![0-9０-９]){D}{{3}}{SEP}{D}{{2}}{SEP}{D}{{5}}(?![0-9０-９])")
CORPORATE_NUMBER = re.compile(rf"(?<![0-9０-９]){D}{{6}}{SEP}{D}{{7}}(?![0-9０-９])")
PATTERNS = (EMAIL, CORPORATE_NUMBER, BUSINESS_NUMBER, PHONE, INTERNATIONAL_PHONE)
#: Legal-form words around an organisation's name; the bare name is masked too.
AFFIXES = (
    "주식회사",
    "(주)",
    "㈜",
    "유한회사",
    "(유)",
    "재단법인",
    "(재)",
    "사단법인",
    "(사)",
    "㈔",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd",
    "corporation",
    "corp.",
    "inc.",
    "inc",
    "ltd.",
    "ltd",
    "llc",
    "co.",
)
HIDDEN_SECTIONS = {"contact"}
HIDDEN_FIELDS = {"contact_name", "contact_department", "contact_phone", "contact_email"}
#: The hits listed per attachment for intake (enough to show the problem, not a page of numbers).
MAX_HITS = 20
#: Types of which a blind copy can be made (the others are withheld from reviewers).
BLINDABLE_KINDS = {"pdf", "docx", "xlsx", "pptx", "hwpx", "png", "jpg", "jpeg"}
#: Short Latin names (codes such as “LG” or “KAR”) only count as a whole word, not inside “digital growth”.
SHORT_LATIN = 3


def _ignored(ch: str) -> bool:
    return ch in IGNORED or ch.isspace()


def normalise(text: str) -> tuple[str, list[int]]:
    """The text without ignored characters, compatibility-folded and case-folded, and for each of its
    characters the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if _ignored(ch):
            continue
        for folded in unicodedata.normalize("NFKC", ch).casefold():
            if not _ignored(folded):
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def name_key(name: str) -> str:
    return normalise(name or "")[0]


def _keys(name: str) -> set[str]:
    """The normalised name and the name without its legal form (주식회사, ㈜, Co., Ltd. …)."""
    key = name_key(name)
    keys = {key}
    written = "".join(unicodedata.normalize("NFKC", name).casefold().split())
    for affix in AFFIXES:
        if "".join(unicodedata.normalize("NFKC", affix).casefold().split()) not in written:
            continue  # “(주)” strips “주” only where the name has “(주)” or “㈜”
        affix_key = name_key(affix)
        keys |= {k[len(affix_key) :] for k in keys if k.startswith(affix_key)}
        keys |= {k[: -len(affix_key)] for k in keys if k.endswith(affix_key)}
    return {k for k in keys if len(k) >= 2}


@lru_cache(maxsize=256)
def _name_pattern(keys: tuple[str, ...]):
    if not keys:
        return None
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))


def _is_latin_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _spans(text: str, names) -> list[tuple[int, int]]:
    """Where in ``text`` a name, an e-mail address, a phone or a registration number stands."""
    spans = [
        match.span()
        for pattern in PATTERNS
        for match in pattern.finditer(text)
        if pattern is not INTERNATIONAL_PHONE or 8 <= sum(c.isdigit() for c in match.group()) <= 15
    ]
    keys = tuple(sorted({key for name in names for key in _keys(name)}))
    pattern = _name_pattern(keys)
    if pattern is not None:
        folded, origin = normalise(text)
        for match in pattern.finditer(folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if (
                len(match.group()) <= SHORT_LATIN
                and match.group().isascii()
                and (
                    (start > 0 and _is_latin_word_char(text[start - 1]))
                    or (end < len(text) and _is_latin_word_char(text[end]))
                )
            ):
                continue
            spans.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def redact(text: str, names) -> str:
    """``text`` with every name in ``names`` (in any spacing, case or punctuation), e-mail address, phone number
    and registration number replaced by the mask."""
    if not text:
        return text
    parts, last = [], 0
    for start, end in _spans(text, names):
        parts.extend((text[last:start], MASK))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def identifying_hits(text: str, names) -> list[str]:
    """What in ``text`` would be masked, each distinct hit once (whitespace squeezed), in order of appearance."""
    hits: list[str] = []
    for start, end in _spans(text or "", names):
        hit = " ".join(text[start:end].split())
        if hit and hit not in hits:
            hits.append(hit)
    return hits


@dataclass
class BlindProposal:
    label: str
    sections: list[tuple[str, list[tuple[str, str, str]]]]
    attachments: list[dict]


def applicant_names(applications) -> list[str]:
    """The names to mask: the applicants, their associations, who filed, the contact person, and their numbers
    and addresses (business number, phones, e-mail addresses)."""
    names = set()
    for application in applications:
        organizations = [application.organization, *application.organization.associations.all()]
        if application.association:
            organizations.append(application.association)
        for organization in organizations:
            names.update((organization.name, organization.name_en, organization.code, organization.business_number))
        for person in (application.created_by, application.updated_by):
            names.update((person.name, person.email, person.phone))
            if person.name and " " in person.name.strip():
                names.add(person.name.split()[0])
        contact = application.answers.get("contact", {})
        names.update(str(contact.get(field) or "") for field in ("contact_name", "contact_email", "contact_phone"))
    return sorted((n for n in names if n and len(name_key(n)) >= 2), key=len, reverse=True)


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
    return {
        candidate.pk: redact(candidate.title, applicant_names(by_candidate[candidate.pk])) for candidate in candidates
    }


def reviews_are_blind(survey) -> bool:
    """Whether the call's first review layer reads applications blind (its kind's pipeline says)."""
    layers = survey.pipeline.layers
    return not layers or layers[0].blind


def blind_proposals(candidate) -> list[BlindProposal]:
    applications = list(
        Application.objects.filter(candidate=candidate, status=ApplicationStatus.ACCEPTED)
        .select_related("organization", "association", "created_by", "updated_by", "survey")
        .prefetch_related("organization__associations")
        .order_by("pk")
    )
    # A complex's development plan names its region and companies: its advisory panel reads it as filed.
    names = applicant_names(applications) if reviews_are_blind(candidate.survey) else []
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
        attachments = _attachment_rows(application.survey, latest.attachments)
        proposals.append(BlindProposal(label=str(index), sections=sections, attachments=attachments))
    _mark_withheld([row for proposal in proposals for row in proposal.attachments])
    return proposals


def _attachment_rows(survey, snapshot: list[dict]) -> list[dict]:
    """The attachments of a submitted version as reviewers get them: numbered, without names, each served from
    the blind copy of its source (the applicant's blind version when the call asks for one, else the file
    itself); ``withheld`` when there is no source or its type cannot be made blind."""
    blind_versions = {a["blind_of"]: a for a in snapshot if a.get("blind_of")}
    rows = []
    for number, original in enumerate((a for a in snapshot if not a.get("blind_of")), start=1):
        source = blind_versions.get(original["id"]) if survey.blind_version_required else original
        rows.append(
            {
                "index": number,
                "id": original["id"],
                "source_id": source["id"] if source else None,
                "kind": (source or original).get("kind", ""),
                "size": (source or original).get("size", 0),
                "sha256": (source or original)["sha256"],
                "withheld": source is None or source.get("kind", "") not in BLINDABLE_KINDS,
            }
        )
    return rows


def _mark_withheld(rows: list[dict]) -> None:
    """Mark the rows whose blind copy could not be made, in one query; copies not made yet are made now."""
    wanted = [r for r in rows if not r["withheld"]]
    if not wanted:
        return
    statuses = dict(BlindCopy.objects.filter(sha256__in={r["sha256"] for r in wanted}).values_list("sha256", "status"))
    missing = [r["source_id"] for r in wanted if r["sha256"] not in statuses]
    if missing:  # normally made when the version was submitted; made now when the worker has not yet
        for attachment in Attachment.objects.filter(pk__in=missing):
            statuses[attachment.sha256] = blind_copy_for(attachment).status
    for row in wanted:
        if statuses.get(row["sha256"]) != BlindCopy.Status.READY:
            row["withheld"] = True


def reviewer_attachments(survey, snapshot: list[dict]) -> list[dict]:
    """One version's attachments as reviewers get them (see ``_attachment_rows``), withheld ones marked."""
    rows = _attachment_rows(survey, snapshot)
    _mark_withheld(rows)
    return rows


def attachment_scan(application, snapshot: list[dict]) -> list[dict]:
    """For intake: each attachment of a submitted version whose text names the applicant (its names, people,
    business number, phones, e-mail addresses), with the hits, and each one no blind copy can be made of."""
    names = applicant_names([application])
    stored = Attachment.objects.in_bulk([a["id"] for a in snapshot])
    findings = []
    for entry in snapshot:
        attachment = stored.get(entry["id"])
        if attachment is None:
            continue
        copy = blind_copy_for(attachment)
        hits = identifying_hits(copy.text, names)[:MAX_HITS] if copy.status == BlindCopy.Status.READY else []
        if hits or copy.status != BlindCopy.Status.READY:
            findings.append(
                {
                    "id": attachment.pk,
                    "name": attachment.original_name,
                    "hits": hits,
                    "status": copy.status,
                    "status_label": copy.get_status_display(),
                    "blind_version": bool(entry.get("blind_of")),
                }
            )
    return findings


def blind_pdf(assignment) -> bytes:
    """The reviewer's rendering of the redacted application: the review page's PDF and the blind bundle's."""
    from portal.services.pdf import render_pdf
    from surveys.selectors import field_names

    candidate = assignment.candidate
    return render_pdf(
        "review/pdf/blind.html",
        {
            "candidate": candidate,
            "assignment": assignment,
            "title": blind_title(candidate),
            "field_name": field_names([candidate.field_code]).get(candidate.field_code, candidate.field_code),
            "proposals": blind_proposals(candidate),
        },
    )
