"""One masking rule for every blind or public text: names in any spacing, case or punctuation, and numbers in
any format (business, corporate, Korean and international phones, e-mail addresses)."""

import re

import pytest
from django.urls import reverse

from portal.enums import OrganizationType
from portal.models.identity import AssociationMembership
from review.services.blind import MASK, applicant_names, identifying_hits, name_key, redact
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import (
    accept,
    accepted_application,
    add_reviewer,
    assign,
    body,
    log_in,
    pdf_text,
)
from tests.review.test_hearing import candidate_url, confirm

NAMES = [
    "가람정밀 주식회사",
    "Garam Precision Co., Ltd.",
    "GARAM",
    "214-81-10004",
    "서지우",
    "ji.woo@garam.example",
    "한국로봇산업협회",
    "재단법인 한국로봇융합연구원",
    "02-555-1234",
]

#: (a variant as applicants write it, the part of it that must not survive)
CORPUS = [
    ("가람정밀", "가람정밀"),
    ("가 람 정 밀", "가람정밀"),
    ("가람 정밀", "가람정밀"),
    ("가-람-정-밀", "가람정밀"),
    ("가.람.정.밀", "가람정밀"),
    ("가\u200b람\u00a0정밀", "가람정밀"),
    ("㈜가람정밀", "가람정밀"),
    ("가람정밀(주)", "가람정밀"),
    ("가람정밀 주식회사", "가람정밀"),
    ("Garam Precision", "garamprecision"),
    ("GARAM-PRECISION Co., Ltd.", "garamprecision"),
    ("G a r a m", "garam"),
    ("g.a.r.a.m", "garam"),
    ("ＧＡＲＡＭ", "garam"),
    ("서지우", "서지우"),
    ("서 지우", "서지우"),
    ("서 지 우", "서지우"),
    ("한국로봇산업협회", "한국로봇산업협회"),
    ("한국 로봇 산업 협회", "한국로봇산업협회"),
    ("(사)한국로봇 산업협회", "한국로봇산업협회"),
    ("한국 로봇융합 연구원", "한국로봇융합연구원"),
    ("214-81-10004", "2148110004"),
    ("2148110004", "2148110004"),
    ("214 81 10004", "2148110004"),
    ("214.81.10004", "2148110004"),
    ("３０１－８６－５５５５５", "3018655555"),
    ("110111-1234567", "1101111234567"),
    ("1101111234567", "1101111234567"),
    ("02-555-1234", "025551234"),
    ("025551234", "025551234"),
    ("(02) 555-1234", "5551234"),
    ("+82 2 555 1234", "5551234"),
    ("+82-2-555-1234", "5551234"),
    ("+82 (0)2 555 1234", "5551234"),
    ("82-2-555-1234", "5551234"),
    ("031-789-4561", "0317894561"),
    ("010-9876-5432", "01098765432"),
    ("010 9876 5432", "01098765432"),
    ("010.9876.5432", "01098765432"),
    ("01098765432", "01098765432"),
    ("+82 10 9876 5432", "98765432"),
    ("0082-10-9876-5432", "98765432"),
    ("1588-1234", "15881234"),
    ("+1 (415) 555-0199", "4155550199"),
    ("+44 20 7946 0958", "2079460958"),
    ("ji.woo@garam.example", "jiwoo@garamexample"),
    ("JI.WOO@GARAM.EXAMPLE", "jiwoo@garamexample"),
    ("ji.woo @ garam.example", "jiwoo@garamexample"),
    ("sales@another-firm.co.kr", "sales@anotherfirmcokr"),
]

#: Text that names nobody and must stay as it is.
HARMLESS = [
    "반복정밀도 ±0.01 mm 감속기",
    "2024.03.15 출시, 2027년 양산",
    "수출 1,500억 원, 고용 120명",
    "digital growth in precision gears",
    "정밀 감속기와 협동로봇",
    "백래시 1 arcmin 이하, 정격 토크 45 N·m",
]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("variant", "core"), CORPUS)
def test_redact_masks_every_variant_of_a_name_or_number(variant, core):
    redacted = redact(f"문의: {variant} 참고", NAMES)
    assert MASK in redacted
    assert core not in name_key(redacted), redacted
    assert redacted.startswith("문의: ") and redacted.endswith(" 참고"), redacted


@pytest.mark.parametrize("text", HARMLESS)
def test_redact_leaves_text_without_names_or_numbers_alone(text):
    assert redact(text, NAMES) == text


def test_redact_short_latin_codes_only_as_whole_words():
    assert redact("digital growth by LG", ["LG"]) == f"digital growth by {MASK}"


def test_identifying_hits_lists_each_hit_once_in_order():
    text = "가 람 정 밀 (사업자 2148110004) 문의 +82 2 555 1234, 가람정밀"
    assert identifying_hits(text, NAMES) == ["가 람 정 밀", "2148110004", "+82 2 555 1234", "가람정밀"]


# -- the pages and files that show the masked text ----------------------------------------------------------------

VARIANTS = [
    "가 람 정 밀",
    "G a r a m",
    "2148110004",
    "+82 2 555 1234",
    "서 지우",
    "한국 로봇 산업 협회",
    "010 9876 5432",
]


@pytest.fixture
def variant_application(open_survey, admin, complete_answers):
    association = OrganizationFactory(
        type=OrganizationType.ASSOCIATION, name="한국로봇산업협회", name_en="KAR Assoc", code="KARA"
    )
    company = OrganizationFactory(
        type=OrganizationType.COMPANY,
        name="가람정밀 주식회사",
        name_en="Garam Precision",
        code="GARAM",
        business_number="214-81-10004",
    )
    AssociationMembership.objects.create(member=company, association=association)
    applicant = make_user(
        "applicant",
        organization=company,
        manager=True,
        name="서지우",
        email="ji.woo@garam.example",
        phone="010-9876-5432",
    )
    answers = {key: dict(value) for key, value in complete_answers.items()}
    answers["basic"].update(
        technology_name="가 람 정 밀 협동로봇 감속기",
        summary="G a r a m 과 한국 로봇 산업 협회가 개발한 감속기 (사업자 2148110004, 문의 +82 2 555 1234, 서 지우 010 9876 5432)",  # noqa: E501
    )
    answers["specification"].update(products="가 람 정 밀 협동로봇, 정밀 감속기")
    return accepted_application(open_survey, applicant, answers, admin)


def _assert_no_variant(text: str):
    squeezed = _compact(text)
    for variant in VARIANTS:
        assert variant not in text and _compact(variant) not in squeezed, variant


@pytest.mark.django_db
def test_applicant_names_include_numbers_and_addresses(variant_application):
    names = applicant_names([variant_application])
    assert {"214-81-10004", "ji.woo@garam.example", "010-9876-5432", "가람정밀 주식회사", "GARAM"} <= set(names)


@pytest.mark.django_db
def test_reviewer_page_and_pdf_hide_spaced_names_and_bare_numbers(client, variant_application, admin, panel):
    reviewer = add_reviewer(panel, name="이도현")
    assignment = accept(assign(variant_application.candidate, reviewer, admin))
    log_in(client, reviewer)
    page = client.get(reverse("review:assignment", kwargs={"pk": assignment.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert MASK in html and "협동로봇 감속기" in html
    _assert_no_variant(html)
    pdf = client.get(reverse("review:review_pdf", kwargs={"pk": assignment.pk}))
    assert pdf.status_code == 200
    text = pdf_text(body(pdf))
    assert "협동로봇감속기" in text
    _assert_no_variant(text)


@pytest.mark.django_db
def test_hearing_page_hides_spaced_names_and_bare_numbers(client, variant_application, admin, open_survey):
    confirm(open_survey, [variant_application.candidate], admin)
    for url in (reverse("review:hearing", kwargs={"pk": open_survey.pk}), candidate_url(variant_application.candidate)):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "협동로봇 감속기" in html
        _assert_no_variant(html)
