"""A specialised-complex call from its creation to the register of designated complexes, each person in
their own browser: the ministry admin, a province's applicant, three advisory panel members, the committee
secretary and the public. axe-core runs on every page they load."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.enums import OrganizationType
from review.enums import AssignmentStatus, NoticeStatus
from review.models import Assignment, DesignatedComplex, Notice, RegisterEntry, SiteVisit
from review.services.pool import panel_for
from surveys.enums import ApplicationStatus, SurveyStage
from surveys.models import Application, Field, Survey
from tests.browser.forms import fill_section
from tests.browser.tour_steps import Actor
from tests.complexes.world import plan_answers
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import add_reviewer

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "이차전지 특화단지 지정 신청"
PLAN = "오창 이차전지 소재 특화단지"
NOTICE_NUMBER = "산업통상자원부 고시 제2026-55호"
PLAN_SECTIONS = ["basic", "site", "companies", "infrastructure", "value_chain", "support", "criteria", "contact"]


def _flat(answers: dict) -> dict:
    """The plan as the form's input names: rows become ``<field>-<row>-<column>``; optional checkboxes are left out."""
    flat = {}
    for section, values in answers.items():
        flat[section] = {}
        for name, value in values.items():
            if isinstance(value, list):
                for index, row in enumerate(value if value and isinstance(value[0], dict) else []):
                    for column, cell in row.items():
                        flat[section][f"{name}-{index}-{column}"] = cell
            elif value != "":
                flat[section][name] = value
    return flat


def _create(admin: Actor) -> Survey:
    page = admin.page
    battery = Field.objects.get(code="BAT")
    admin.goto("/manage/calls/new/")
    now = timezone.localtime()
    deadline = now + timedelta(days=1)
    page.select_option("#id_kind", "complex")
    page.fill("#id_title", TITLE)
    page.fill("#id_code", "CXB")
    page.fill("#id_description", "이차전지 분야 특화단지 개발계획을 접수합니다.")
    page.check(f"input[name=fields][value='{battery.pk}']")
    for kind in ("ministry", "local_government", "company"):
        page.check(f"input[name=eligible_types][value={kind}]")
    page.fill("#id_opens_on", now.date().isoformat())
    page.fill("#id_opens_time", "00:00")
    page.fill("#id_deadline_on", deadline.date().isoformat())
    page.fill("#id_deadline_time", "18:00")
    admin.submit(page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/manage/calls/\d+/$"))
    survey = Survey.objects.get(title=TITLE)
    assert survey.criteria.count() == len(survey.pipeline.default_criteria) == 6
    # the technology stages are not offered; the complex ones are
    expect(page.locator(".stage-track")).to_contain_text("전문가 자문단" if "전문가" in page.content() else "advisory")
    expect(page.locator("button[name=to][value=technical_review]")).to_have_count(0)
    admin.submit(page.locator("button[name=to][value=distribution]"))
    admin.submit(page.locator("button[name=to][value=collection]"))
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.COLLECTION
    return survey


def _apply(province: Actor, survey: Survey) -> Application:
    page = province.page
    province.goto(f"/calls/{survey.pk}/")
    province.submit(page.locator('form[action$="/apply/"] button[type=submit]'))
    answers = _flat(plan_answers(survey))
    next_button = page.locator('button[name="action"][value="next"]')
    for section in PLAN_SECTIONS:
        expect(page).to_have_url(re.compile(f"/edit/{section}/"))
        fill_section(page, section, answers[section])
        province.submit(next_button)
    province.submit(page.locator('main a[href$="/review/"].btn'))
    expect(page.get_by_test_id("missing-list")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("15,500")  # the anchor companies' investment, totalled
    province.submit(page.locator('form[action$="/submit/"] button[type=submit]'))
    expect(page.get_by_test_id("receipt-number")).to_contain_text("-CXB-")
    return Application.objects.get(survey=survey, title=PLAN)


def _accept_and_open_the_panel(admin: Actor, survey: Survey, application: Application):
    page = admin.page
    admin.goto(f"/manage/calls/{survey.pk}/intake/")
    admin.submit(page.locator(f'a[href$="/intake/{application.pk}/"]'))
    admin.submit(page.locator('main form:has(input[name="decision"][value="accept"]) button[type=submit]'))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))  # the deadline passes
    admin.goto(f"/manage/calls/{survey.pk}/")
    admin.submit(page.locator(f"button[name=to][value={SurveyStage.ADVISORY_REVIEW}]"))
    admin.submit(page.locator(f"a[href='/manage/calls/{survey.pk}/review/']"))
    page.fill("#id_reviewers_per_candidate", "3")
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    admin.submit(page.locator("form:has(#id_reviewers_per_candidate) button[type=submit]"))
    admin.submit(page.locator(f"form[action='/manage/calls/{survey.pk}/review/assign/'] button[type=submit]"))
    assert Assignment.objects.filter(candidate__survey=survey).count() == 3
    return application.candidate


def _advise(actor: Actor, survey: Survey, member, *, visit: bool) -> None:
    """Pledge, declare, read the plan as filed, score with written advice; the first member records a site visit."""
    page = actor.page
    assignment = Assignment.objects.get(reviewer=member)
    link = f'tr[data-assignment="{assignment.pk}"] a[href$="/review/assignments/{assignment.pk}/"]'
    actor.submit(page.locator(link))
    actor.submit(page.locator(f'main a[href$="/review/calls/{survey.pk}/pledge/"]'))
    page.fill("#id_signed_name", member.name)
    page.check("#id_agree")
    actor.submit(page.locator("form:has(#id_signed_name) button[type=submit]"))
    actor.submit(page.locator(link))
    page.check('input[name="choice"][value="none"]')
    actor.submit(page.locator('form:has(input[name="choice"]) button[type=submit]'))
    expect(page.locator("main")).to_contain_text("한빛에너지소재")  # not anonymous: the plan as filed
    for criterion in range(1, 7):
        page.select_option(f'select[name="score_{criterion}"]', "4")
        page.fill(f'textarea[name="justification_{criterion}"]', f"기준 {criterion}: 부지와 투자 계획이 구체적임")
    page.select_option('select[name="recommendation"]', "recommend")
    if page.locator('textarea[name="comment"]').count():
        page.fill('textarea[name="comment"]', "용수 공급 일정을 보완하면 지정이 타당함")
    actor.submit(page.locator('button[name="action"][value="submit"]'))
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    if visit:
        actor.submit(page.locator('[data-testid="site-visits-link"]'))
        page.fill("#id_visited_on", timezone.localdate().isoformat())
        page.check(f'input[name="members"][value="{member.pk}"]')
        page.fill("#id_findings", "부지 정지 작업과 진입도로를 확인함")
        actor.submit(page.locator("main form button[type=submit]"))
        expect(page.get_by_test_id("site-visit")).to_have_count(1)


def _evaluate(secretary: Actor, survey: Survey, plan) -> None:
    page = secretary.page
    secretary.goto(f"/manage/calls/{survey.pk}/committee/")
    secretary.submit(page.locator('tr[data-field="BAT"] th a'))
    meeting = page.locator('form:has(input[name="form"][value="meeting"])')
    meeting.locator("#id_held_on").fill(timezone.localdate().isoformat())
    meeting.locator("#id_attendees").fill("분과위원 7인")
    meeting.locator("#id_minutes").fill("특화단지 분과위원회 평가")
    secretary.submit(meeting.locator("button[type=submit]"))
    secretary.submit(page.locator(f'#candidate-{plan.pk} a[data-decide="{plan.pk}"]'))
    section = page.locator(f"#decision-{plan.pk}")
    section.locator('input[value="designate_cond"]').check()
    section.locator("textarea[name$='-rationale']").fill("입지와 앵커기업 투자 계획이 우수함")
    section.locator("textarea[name$='-conditions']").fill("2028년까지 공업용수 공급 확보")
    secretary.submit(section.locator("button[type=submit]"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    secretary.goto(f"/manage/calls/{survey.pk}/committee/confirm/")
    expect(page.get_by_test_id("to-national")).to_be_visible()
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_minutes", "특화단지 분과위원회 평가 결과 확정")
    secretary.submit(page.locator("main form button[type=submit]"))
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.NATIONAL_COMMITTEE  # no hearing: the call did not ask for one


def _resolve(secretary: Actor, survey: Survey, plan) -> None:
    page = secretary.page
    secretary.goto(f"/manage/calls/{survey.pk}/national/")
    page.fill("#id_title", "제3차 국가첨단전략산업위원회")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_chair", "국무총리")
    page.fill("#id_members_total", "25")
    page.fill("#id_members_present", "19")
    secretary.submit(page.locator("main form button[type=submit]"))
    form = page.locator(f'form:has(input[name="candidate"][value="{plan.pk}"])')
    form.locator('input[value="designate_cond"]').check()
    form.locator("textarea[name$='-reason']").fill("특화단지 지정 의결")
    form.locator("textarea[name$='-conditions']").fill("2028년까지 공업용수 공급 확보")
    secretary.submit(form.locator("button[type=submit]"))
    secretary.submit(page.get_by_test_id("close-meeting"))
    expect(page.get_by_test_id("chair")).to_contain_text("국무총리")
    expect(page.get_by_test_id("conditions")).to_contain_text("공업용수")


def _publish(admin: Actor, survey: Survey) -> Notice:
    page = admin.page
    admin.goto(f"/manage/calls/{survey.pk}/notices/")
    page.fill("#id_number", NOTICE_NUMBER)
    page.fill("#id_title", "국가첨단전략산업 특화단지 지정 고시")
    page.fill("#id_preamble", "국가첨단전략산업법 제16조에 따라 다음과 같이 특화단지를 지정합니다.")
    page.fill("#id_effective_on", timezone.localdate().isoformat())
    admin.submit(page.locator("form:has(#id_number) button[type=submit]"))
    expect(page.locator("main")).to_contain_text(PLAN)
    expect(page.locator("main")).to_contain_text("공업용수")  # the conditions the committee resolved
    admin.submit(page.get_by_test_id("publish"))
    notice = Notice.objects.get(number=NOTICE_NUMBER)
    assert notice.status == NoticeStatus.PUBLISHED and notice.lists_complexes
    assert not notice.items.exists()  # a complex notice lists complexes, never technologies
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.NOTICE
    return notice


def _public_register(public: Actor) -> None:
    page = public.page
    public.goto("/")
    public.submit(page.locator('nav a[href="/register/complexes/"]'))
    entry = DesignatedComplex.objects.get(name=PLAN)
    row = page.locator(f'tr[data-entry="{entry.number}"]')
    expect(row).to_contain_text("3,500,000 m²")
    expect(row).to_contain_text("충청북도")
    public.submit(row.locator("a").first)
    expect(page.locator("main")).to_contain_text("한빛에너지소재")
    expect(page.locator("main")).to_contain_text("2028년까지 공업용수 공급 확보")
    assert not RegisterEntry.objects.filter(title=PLAN).exists()  # not among the designated technologies


def test_a_complex_call_goes_from_creation_to_the_complex_register(tour, transactional_db):
    admin_user = make_user("admin", name="김산업")
    province_user = make_user(
        "applicant",
        manager=True,
        name="윤지아",
        email="yoon@chungbuk.example",
        organization=OrganizationFactory(name="충청북도", type=OrganizationType.LOCAL_GOVERNMENT),
    )
    secretary_user = make_user("secretary", name="서간사")

    admin = tour.open_as("admin", admin_user)
    survey = _create(admin)
    province = tour.open_as("province", province_user)
    application = _apply(province, survey)
    panel = panel_for(survey, "BAT")
    members = [
        add_reviewer(panel, name=name, email=f"{index}@experts.example")
        for index, name in enumerate(("김자문", "이자문", "박자문"))
    ]
    plan = _accept_and_open_the_panel(admin, survey, application)
    for index, member in enumerate(members):
        actor = tour.open_as(f"panel_{index + 1}", member)
        actor.goto("/dashboard/reviewer/")
        _advise(actor, survey, member, visit=index == 0)
    assert SiteVisit.objects.filter(candidate=plan).count() == 1

    admin.goto(f"/manage/calls/{survey.pk}/")
    admin.submit(admin.page.locator(f"button[name=to][value={SurveyStage.SUBCOMMITTEE}]"))
    secretary = tour.open_as("secretary", secretary_user)
    _evaluate(secretary, survey, plan)
    _resolve(secretary, survey, plan)
    _publish(admin, survey)
    results = [
        m for m in mail.outbox if province_user.email in m.to and "특화단지" in m.subject + m.body and PLAN in m.body
    ]
    assert results, [m.subject for m in mail.outbox if province_user.email in m.to]  # the result, in its words
    _public_register(tour.open_as("public"))
    assert not tour.audit.findings, tour.audit.report()
