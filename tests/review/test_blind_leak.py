"""The leak test: nothing a reviewer is shown or sent names the applicant, its association or its people."""

import io
import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from portal.enums import OrganizationType
from portal.models.identity import AssociationMembership
from review.services.blind import MASK, blind_proposals
from tests.applications.conftest import COMPLETE_ANSWERS
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import (
    accepted_candidate,
    add_reviewer,
    assign,
    body,
    full_scores,
    justifications,
    log_in,
    pdf_text,
    submit_review,
)
from tests.review.test_blind_attachments import make_pdf

pytestmark = pytest.mark.django_db

COMPANY = "한빛로보틱스 주식회사"
COMPANY_SHORT = "한빛로보틱스"
COMPANY_EN = "Hanbit Robotics Co., Ltd."
ASSOCIATION = "한국로봇산업협회"
ASSOCIATION_EN = "Korea Association of Robot Industry"
APPLICANT_NAME = "윤서준"
APPLICANT_EMAIL = "yoon.seojun@hanbit.example"
APPLICANT_PHONE = "010-4321-8765"
BUSINESS_NUMBER = "214-86-12345"
CONTACT_NAME = "강민서"
CONTACT_EMAIL = "kang.minseo@hanbit.example"
CONTACT_PHONE = "02-123-4567"

SECRETS = [
    COMPANY,
    COMPANY_SHORT,
    "Hanbit Robotics",
    ASSOCIATION,
    ASSOCIATION_EN,
    APPLICANT_NAME,
    APPLICANT_EMAIL,
    APPLICANT_PHONE,
    BUSINESS_NUMBER,
    CONTACT_NAME,
    CONTACT_EMAIL,
    CONTACT_PHONE,
]


def _telling_pdf() -> bytes:
    """A real PDF whose document properties name the company and its people."""
    return make_pdf("협동로봇용 정밀 감속기 사업계획서", author=COMPANY, creator=APPLICANT_NAME)


def _answers(survey):
    """Complete answers in which the applicant names itself everywhere, as applicants do (Korean
    particles glued to the numbers and names included)."""
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    answers["basic"].update(
        technology_name=f"{COMPANY_SHORT} HR-500 협동로봇용 정밀 감속기",
        summary=f"㈜{COMPANY_SHORT}(사업자등록번호 {BUSINESS_NUMBER})가 {ASSOCIATION}와 함께 개발한 반복정밀도 ±0.01 mm 감속기",  # noqa: E501
    )
    answers["specification"].update(
        specification=f"백래시 1 arcmin 이하. 자세한 사양은 {CONTACT_NAME} 책임({CONTACT_EMAIL}, {CONTACT_PHONE})에게 문의",  # noqa: E501
        mass_production=f"{APPLICANT_NAME} 대표가 구축한 치형 연삭 자동화 라인. 견학 문의는 {APPLICANT_PHONE}로 연락 바랍니다",  # noqa: E501
        products=f"{ASSOCIATION} 회원사 공급용 협동로봇, {COMPANY_EN} 브랜드 감속기",
    )
    answers["level"].update(holders=f"{COMPANY}, {ASSOCIATION_EN}")
    answers["economy"].update(
        employment_effect=f"신규 고용 120명 (채용 문의 {APPLICANT_EMAIL}으로)",
        supply_chain_dependency=f"사업자번호 {BUSINESS_NUMBER}인 당사는 일본 의존도 70%. 담당 {CONTACT_PHONE}번",
    )
    answers["contact"].update(contact_name=CONTACT_NAME, contact_email=CONTACT_EMAIL, contact_phone=CONTACT_PHONE)
    answers["criteria"] = {
        f"criterion_{c.number}": f"기준 {c.number}: {COMPANY_SHORT} 연구소({APPLICANT_NAME}, {CONTACT_NAME})의 실적"
        for c in survey.criteria.all()
    }
    question = survey.questions.get()
    answers["extra"] = {question.field_name: "35"}
    return answers


@pytest.fixture
def telling_candidate(open_survey, admin):
    association = OrganizationFactory(
        type=OrganizationType.ASSOCIATION, name=ASSOCIATION, name_en=ASSOCIATION_EN, code="KAR"
    )
    company = OrganizationFactory(
        type=OrganizationType.COMPANY, name=COMPANY, name_en=COMPANY_EN, code="HANBIT", business_number=BUSINESS_NUMBER
    )
    AssociationMembership.objects.create(member=company, association=association)
    applicant = make_user(
        "applicant",
        organization=company,
        manager=True,
        name=APPLICANT_NAME,
        email=APPLICANT_EMAIL,
        phone=APPLICANT_PHONE,
    )
    upload = SimpleUploadedFile(f"{COMPANY_SHORT}_사업계획서_{BUSINESS_NUMBER}.pdf", _telling_pdf())
    return accepted_candidate(open_survey, applicant, _answers(open_survey), admin, attachments=[upload])


def _leaks(text: str) -> list[str]:
    """Each secret found, with a little of the text around it."""
    squeezed = re.sub(r"\s+", "", text)
    found = []
    for secret in SECRETS:
        compact = re.sub(r"\s+", "", secret)
        if secret in text or compact in squeezed:
            at = squeezed.index(compact)
            found.append(f"{secret!r} in …{squeezed[max(at - 30, 0) : at + len(compact) + 30]}…")
    return found


def test_no_reviewer_facing_page_file_or_mail_names_the_applicant(
    client,
    open_survey,
    admin,
    panel,
    telling_candidate,
    django_capture_on_commit_callbacks,
):
    candidate = telling_candidate
    reviewer = add_reviewer(panel, name="이도현")
    other = add_reviewer(panel, name="최민준")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mine = assign(candidate, reviewer, admin)
        theirs = assign(candidate, other, admin)
        submit_review(theirs, texts=justifications(open_survey, "타 위원 의견"), comment="양산성 검증 필요")

    seen: dict[str, str] = {}
    log_in(client, reviewer)

    def visit(label, url, method="get", data=None):
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), (label, response.status_code)
        if response.status_code == 302:
            response = client.get(response.url)
            assert response.status_code == 200, label
        seen[label] = response.content.decode()
        return response

    dashboard = "/dashboard/reviewer/"
    pledge_url = reverse("review:pledge", kwargs={"pk": open_survey.pk})
    page_url = reverse("review:assignment", kwargs={"pk": mine.pk})
    visit("dashboard, new", dashboard)
    visit("assignment, before the pledge", page_url)
    visit("pledge", pledge_url)
    visit("pledge, signed", pledge_url, "post", {"signed_name": reviewer.name, "agree": "on"})
    visit("assignment, before the declaration", page_url)
    visit("declaration", page_url, "post", {"choice": "none"})
    visit("dashboard, accepted", dashboard)
    reading = visit("assignment, reading", page_url)
    assert MASK in seen["assignment, reading"]  # the proposal is there, redacted
    assert "백래시 1 arcmin" in seen["assignment, reading"]

    pdf = client.get(reverse("review:review_pdf", kwargs={"pk": mine.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    seen["pdf"] = pdf_text(body(pdf))
    seen["pdf headers"] = unquote(pdf["Content-Disposition"])
    assert "백래시1arcmin" in seen["pdf"] and MASK in seen["pdf"]

    attachments = [a for p in blind_proposals(candidate) for a in p.attachments]
    assert len(attachments) == 1
    link = reverse("review:attachment", kwargs={"pk": mine.pk, "attachment_id": attachments[0]["id"]})
    assert link in reading.content.decode()
    download = client.get(link)
    assert download.status_code == 200
    blind_copy = PdfReader(io.BytesIO(body(download)))  # the blind copy, not the file as uploaded
    assert "감속기" in blind_copy.pages[0].extract_text()
    seen["attachment properties"] = " ".join(str(v) for v in (blind_copy.metadata or {}).values())
    seen["attachment XMP"] = str(blind_copy.trailer["/Root"].get("/Metadata", ""))
    seen["attachment name"] = unquote(download["Content-Disposition"])
    assert seen["attachment name"].endswith(".pdf")

    with django_capture_on_commit_callbacks(execute=True):
        visit(
            "submit",
            page_url,
            "post",
            {
                "action": "submit",
                "recommendation": "recommend",
                "comment": "종합 의견",
                **{f"score_{n}": v for n, v in full_scores(open_survey).items()},
                **{f"justification_{n}": v for n, v in justifications(open_survey).items()},
            },
        )
    mine.refresh_from_db()
    assert mine.status == "submitted"
    after = visit("assignment, submitted", page_url)
    assert 'data-testid="other-review"' in after.content.decode()
    visit("dashboard, done", dashboard)
    pdf = client.get(reverse("review:review_pdf", kwargs={"pk": mine.pk}))
    seen["pdf, after submit"] = pdf_text(body(pdf))

    sent = [m for m in mail.outbox if reviewer.email in m.to or other.email in m.to]
    assert sent, "the reviewers were mailed their assignments"
    for index, message in enumerate(sent):
        seen[f"mail {index}: {message.subject}"] = "\n".join(
            [message.subject, message.body, *(content for content, _type in getattr(message, "alternatives", []))]
        )

    leaks = {label: found for label, text in seen.items() if (found := _leaks(text))}
    assert not leaks, "\n".join(f"{label}: {'; '.join(found)}" for label, found in leaks.items())
    assert len(seen) >= 17
