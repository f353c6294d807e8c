"""The tour: one call through the whole pipeline, each person in their own browser and logged in as
themselves, with axe-core run on every page they load. The direct applicant uses the keyboard alone."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.enums import OrganizationType
from portal.models.identity import AssociationMembership
from review.enums import AssignmentStatus, Decision, NoticeStatus, SubcommitteeRecommendation
from review.models import Assignment, HearingComment, Notice, RegisterEntry, Resolution, Result, SubcommitteeDecision
from review.services.pool import panel_for
from surveys.enums import ApplicationStatus, Channel, SurveyStage
from surveys.models import Application, Candidate, Field, Survey
from tests.applications.conftest import COMPLETE_ANSWERS
from tests.browser.forms import fill_section
from tests.browser.tour_steps import Actor, keyboard_section, skip_to_main, tab_to
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import add_reviewer

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "로봇 분야 국가첨단전략기술 지정 수요조사"
REDUCER = "협동로봇용 고정밀 감속기"
REDUCER_AGAIN = "협동로봇 정밀 감속기 국산화"
LIDAR = "자율이동로봇용 3차원 라이다 SLAM"
NOTICE_NUMBER = "산업통상자원부 고시 제2026-31호"
COMMENT = "국내 감속기 공급망 자립에 꼭 필요한 기술이므로 지정에 찬성합니다."
ANSWER = "의견에 감사드립니다. 국가첨단전략산업위원회 심의 자료에 반영하겠습니다."


def _answers(name: str, summary: str) -> dict:
    """Every section of the technology form, the optional sub-field left empty."""
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    answers["basic"] = {"technology_name": name, "field": "ROB", "summary": summary}
    answers["criteria"] = {f"criterion_{n}": f"기준 {n}에 대한 근거: {name}" for n in range(1, 9)}
    return answers


SECTIONS = ["basic", "specification", "criteria", "level", "economy", "contact"]


@dataclass
class People:
    admin: object
    company_a: object
    company_b: object
    association: object
    staff: object
    liaison: object
    secretary: object


@pytest.fixture
def people(transactional_db):
    """Everyone but the reviewers, who join the call's panel once the call exists."""
    company_a = OrganizationFactory(name="한빛로보틱스 주식회사", type=OrganizationType.COMPANY)
    company_b = OrganizationFactory(name="누리모빌리티 주식회사", type=OrganizationType.COMPANY)
    association = OrganizationFactory(name="한국로봇산업협회", type=OrganizationType.ASSOCIATION)
    ministry = OrganizationFactory(name="국방부", type=OrganizationType.MINISTRY)
    AssociationMembership.objects.create(member=company_b, association=association)
    return People(
        admin=make_user("admin", name="김산업"),
        company_a=make_user(
            "applicant", organization=company_a, manager=True, name="강민서", email="ceo@hanbit.example"
        ),
        company_b=make_user("applicant", organization=company_b, manager=True, name="오지훈", email="rnd@nuri.example"),
        association=association,
        staff=make_user("association_staff", organization=association, name="박협회", email="staff@kar.example"),
        liaison=make_user("ministry_liaison", organization=ministry, name="정국방", email="liaison@mnd.example"),
        secretary=make_user("secretary", name="서간사"),
    )


def test_a_call_goes_through_the_whole_pipeline(tour, people):
    admin = tour.open_as("admin", people.admin)
    survey = _create_and_distribute(admin, people)

    company_a = tour.open_as("company_a", people.company_a)
    direct = _apply_with_the_keyboard(company_a, survey)
    company_b = tour.open_as("company_b", people.company_b)
    through_association = _apply_through_the_association(company_b, survey, people.association)
    staff = tour.open_as("association", people.staff)
    _endorse_and_forward(staff, survey, people.association, through_association)
    liaison = tour.open_as("ministry", people.liaison)
    by_ministry = _apply_through_the_ministry(liaison, survey)

    # the deadline passes
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    reducer = _intake(admin, survey, direct, through_association, by_ministry)

    reviewers = [
        add_reviewer(panel_for(survey, "ROB"), name=name, email=email)
        for name, email in (("이도현", "lee@kimm.example"), ("최민준", "choi@kimm.example"))
    ]
    _start_review(admin, survey)
    for index, reviewer in enumerate(reviewers):
        _review(tour.open_as(f"reviewer_{index + 1}", reviewer), survey, reviewer)
    lidar = Candidate.objects.get(survey=survey, merged_into__isnull=True, title=LIDAR)

    secretary = tour.open_as("secretary", people.secretary)
    _subcommittee_and_committee(secretary, survey, reducer, lidar)
    _hearing(staff, admin, survey, reducer)

    # the hearing window closes
    today = timezone.localdate()
    Survey.objects.filter(pk=survey.pk).update(
        hearing_starts_on=today - timedelta(days=14), hearing_ends_on=today - timedelta(days=1)
    )
    _move_stage(admin, survey, SurveyStage.NATIONAL_COMMITTEE)
    _national_committee(secretary, survey, reducer)
    notice = _publish_notice(admin, survey)

    _public_register(tour.open_as("public"), reducer, notice)
    _results(company_a, direct, company_b, through_association, notice)
    _inbox(company_a, direct)
    assert Result.objects.get(application=by_ministry).outcome == "designated"  # merged into the designated one

    assert tour.audit.pages > 100
    assert not tour.audit.findings, f"axe-core found serious or critical violations:\n{tour.audit.report()}"
    assert not [e for e in tour.audit.console_errors if "Content Security Policy" in e], tour.audit.console_errors


# 1. Distribution


def _create_and_distribute(admin: Actor, people: People) -> Survey:
    page = admin.page
    robot = Field.objects.get(code="ROB")
    admin.goto("/manage/calls/new/")
    now = timezone.localtime()
    deadline = now + timedelta(minutes=30)
    page.select_option("#id_kind", "technology")
    page.fill("#id_title", TITLE)
    page.fill("#id_code", "ROB")
    page.fill("#id_description", "로봇 분야 국가첨단전략기술 지정 수요를 조사합니다.")
    page.check(f"input[name=fields][value='{robot.pk}']")
    for kind in ("company", "association", "ministry"):
        page.check(f"input[name=eligible_types][value={kind}]")
    page.fill("#id_opens_on", now.date().isoformat())
    page.fill("#id_opens_time", "00:00")
    page.fill("#id_deadline_on", deadline.date().isoformat())
    page.fill("#id_deadline_time", deadline.strftime("%H:%M"))
    admin.submit(page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/manage/calls/\d+/$"))
    survey = Survey.objects.get(title=TITLE)
    assert survey.stage == SurveyStage.DRAFT and survey.criteria.count() == 8

    admin.submit(page.locator("button[name=to][value=distribution]"))
    admin.submit(page.locator(f"a[href='/manage/calls/{survey.pk}/recipients/']"))
    selection = page.locator(f"form[action='/manage/calls/{survey.pk}/recipients/']")
    for kind in ("company", "association", "ministry"):
        selection.locator(f"input[name=types][value={kind}]").check()
    admin.submit(selection.locator("button[type=submit]"))
    for user in (people.company_a, people.company_b, people.staff, people.liaison):
        expect(page.locator(f"tr[data-recipient='{user.email}']")).to_be_visible()
    admin.submit(page.locator(f"form[action='/manage/calls/{survey.pk}/invitations/'] button[type=submit]"))
    invited = {address for message in mail.outbox for address in message.to}
    assert {people.company_a.email, people.company_b.email, people.staff.email, people.liaison.email} <= invited

    admin.goto(f"/manage/calls/{survey.pk}/")
    admin.submit(page.locator("button[name=to][value=collection]"))
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.COLLECTION
    return survey


# 2. Collection


def _apply_with_the_keyboard(actor: Actor, survey: Survey) -> Application:
    """The whole form, from "Start a new application" to "Submit", with Tab, typing, arrows and Enter."""
    page = actor.page
    actor.goto(f"/calls/{survey.pk}/")
    skip_to_main(page)
    tab_to(page, 'form[action$="/apply/"] button[type=submit]')
    actor.press("Enter")
    expect(page).to_have_url(re.compile(r"/edit/basic/$"))
    answers = _answers(REDUCER, "반복정밀도 ±0.01 mm 감속기")
    for section in SECTIONS:
        expect(page).to_have_url(re.compile(f"/edit/{section}/"))
        keyboard_section(actor, section, answers[section])
    expect(page).to_have_url(re.compile(r"/attachments/"))
    skip_to_main(page)
    tab_to(page, 'main a[href$="/review/"].btn')
    actor.press("Enter")
    expect(page.get_by_test_id("missing-list")).to_have_count(0)
    skip_to_main(page)
    tab_to(page, 'form[action$="/submit/"] button[type=submit]')
    actor.press("Enter")
    expect(page.get_by_test_id("receipt-number")).to_contain_text("-ROB-")
    application = Application.objects.get(survey=survey, title=REDUCER)
    assert application.status == ApplicationStatus.SUBMITTED and application.channel == Channel.DIRECT
    submitted = application.versions.get().answers
    for section, key in (
        ("basic", "field"),
        ("specification", "products"),
        ("criteria", "criterion_8"),
        ("level", "industrialisation_stage"),
        ("contact", "contact_email"),
    ):
        assert submitted[section][key] == answers[section][key]
    return application


def _fill_and_submit(actor: Actor, answers: dict) -> None:
    page = actor.page
    next_button = page.locator('button[name="action"][value="next"]')
    for section in SECTIONS:
        expect(page).to_have_url(re.compile(f"/edit/{section}/"))
        fill_section(page, section, answers[section])
        actor.submit(next_button)
    actor.submit(page.locator('main a[href$="/review/"].btn'))
    expect(page.get_by_test_id("missing-list")).to_have_count(0)
    actor.submit(page.locator('form[action$="/submit/"] button[type=submit]'))
    expect(page.get_by_test_id("receipt-number")).to_contain_text("-ROB-")


def _apply_through_the_association(actor: Actor, survey: Survey, association) -> Application:
    page = actor.page
    actor.goto(f"/calls/{survey.pk}/")
    apply_form = page.locator('form[action$="/apply/"]')
    apply_form.locator('select[name="association"]').select_option(str(association.pk))
    actor.submit(apply_form.locator("button[type=submit]"))
    _fill_and_submit(actor, _answers(LIDAR, "실내외 겸용 3차원 라이다 기반 위치 인식"))
    application = Application.objects.get(survey=survey, title=LIDAR)
    assert application.status == ApplicationStatus.ASSOCIATION_REVIEW
    return application


def _endorse_and_forward(actor: Actor, survey: Survey, association, application: Application) -> None:
    page = actor.page
    actor.goto(f"/association/calls/{survey.pk}/?association={association.pk}")
    actor.submit(page.locator(f'a[href$="/association/applications/{application.pk}/"]'))
    endorse = page.locator('main form:has(input[name="decision"][value="endorse"])')
    endorse.locator('[name="opinion"]').fill("회원사 의견을 종합한 결과 지정 필요성이 높습니다.")
    actor.submit(endorse.locator("button[type=submit]"))
    actor.goto(f"/association/calls/{survey.pk}/?association={association.pk}")
    forward = page.locator('form[action$="/forward/"]')
    forward.locator(f'input[name="applications"][value="{application.pk}"]').check()
    forward.locator('[name="cover_letter"]').fill("로봇산업협회 수요조사 취합 결과를 송부합니다.")
    actor.submit(forward.locator("button[type=submit]"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def _apply_through_the_ministry(actor: Actor, survey: Survey) -> Application:
    page = actor.page
    actor.goto(f"/calls/{survey.pk}/")
    actor.submit(page.locator('form[action$="/apply/"] button[type=submit]'))
    _fill_and_submit(actor, _answers(REDUCER_AGAIN, "국방 로봇용 고정밀 감속기"))
    application = Application.objects.get(survey=survey, title=REDUCER_AGAIN)
    assert application.channel == Channel.MINISTRY and application.status == ApplicationStatus.SUBMITTED
    return application


# 3. Intake and technical review


def _intake(admin: Actor, survey: Survey, *applications: Application) -> Candidate:
    """Accept all three; the ministry's duplicate of the direct application is merged into its candidate."""
    page = admin.page
    admin.goto(f"/manage/calls/{survey.pk}/intake/")
    for application in applications:
        admin.submit(page.locator(f'a[href$="/intake/{application.pk}/"]'))
        admin.submit(page.locator('main form:has(input[name="decision"][value="accept"]) button[type=submit]'))
        expect(page).to_have_url(re.compile(f"/manage/calls/{survey.pk}/intake/$"))
        application.refresh_from_db()
        assert application.status == ApplicationStatus.ACCEPTED
    direct, _forwarded, by_ministry = applications
    admin.submit(page.locator(f"a[href='/manage/calls/{survey.pk}/candidates/']"))
    page.select_option("#id_target", str(direct.candidate_id))
    page.check(f'input[name="sources"][value="{by_ministry.candidate_id}"]')
    admin.submit(page.locator("main form button[type=submit]"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    by_ministry.refresh_from_db()
    assert by_ministry.candidate_id == direct.candidate_id
    assert Candidate.objects.filter(survey=survey, merged_into__isnull=True).count() == 2
    return direct.candidate


def _move_stage(admin: Actor, survey: Survey, stage: str) -> None:
    admin.goto(f"/manage/calls/{survey.pk}/")
    admin.submit(admin.page.locator(f"button[name=to][value={stage}]"))
    survey.refresh_from_db()
    assert survey.stage == stage


def _start_review(admin: Actor, survey: Survey) -> None:
    page = admin.page
    _move_stage(admin, survey, SurveyStage.TECHNICAL_REVIEW)
    admin.submit(page.locator(f"a[href='/manage/calls/{survey.pk}/review/']"))
    page.fill("#id_reviewers_per_candidate", "1")
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    admin.submit(page.locator("form:has(#id_reviewers_per_candidate) button[type=submit]"))
    admin.submit(page.locator(f"form[action='/manage/calls/{survey.pk}/review/assign/'] button[type=submit]"))
    assigned = Assignment.objects.filter(candidate__survey=survey)
    assert assigned.count() == 2 and len({a.reviewer_id for a in assigned}) == 2


def _review(actor: Actor, survey: Survey, reviewer) -> None:
    """From the dashboard: sign the pledge, declare no conflict, score every criterion and submit."""
    page = actor.page
    assignment = Assignment.objects.get(reviewer=reviewer)
    link = f'tr[data-assignment="{assignment.pk}"] a[href$="/review/assignments/{assignment.pk}/"]'
    expect(page).to_have_url(re.compile(r"/dashboard/reviewer/$"))
    actor.submit(page.locator(link))
    actor.submit(page.locator(f'main a[href$="/review/calls/{survey.pk}/pledge/"]'))
    page.fill("#id_signed_name", reviewer.name)
    page.check("#id_agree")
    actor.submit(page.locator("form:has(#id_signed_name) button[type=submit]"))
    actor.submit(page.locator(link))
    page.check('input[name="choice"][value="none"]')
    actor.submit(page.locator('form:has(input[name="choice"]) button[type=submit]'))
    score = "5" if assignment.candidate.title == REDUCER else "3"
    for criterion in range(1, 9):
        page.select_option(f'select[name="score_{criterion}"]', score)
        page.fill(f'textarea[name="justification_{criterion}"]', f"기준 {criterion}: 근거 있는 평가")
    page.select_option('select[name="recommendation"]', "recommend")
    actor.submit(page.locator('button[name="action"][value="submit"]'))
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED


# 4. Subcommittee, committee and hearing


def _subcommittee_and_committee(actor: Actor, survey: Survey, reducer: Candidate, lidar: Candidate) -> None:
    page = actor.page
    actor.goto(f"/manage/calls/{survey.pk}/committee/")
    actor.submit(page.locator('tr[data-field="ROB"] th a'))
    rows = page.locator("tbody tr[data-candidate]")
    expect(rows.first).to_have_attribute("data-candidate", reducer.number)  # ranked first
    meeting = page.locator('form:has(input[name="form"][value="meeting"])')
    meeting.locator("#id_held_on").fill(timezone.localdate().isoformat())
    meeting.locator("#id_attendees").fill("위원장 외 6인")
    meeting.locator("#id_minutes").fill("로봇 분야 소위원회 심의")
    actor.submit(meeting.locator("button[type=submit]"))
    for candidate, recommendation in ((reducer, "recommend"), (lidar, "not_recommend")):
        actor.submit(page.locator(f'#candidate-{candidate.pk} a[data-decide="{candidate.pk}"]'))
        section = page.locator(f"#decision-{candidate.pk}")  # the form opens for this candidate only
        expect(page.locator('input[name$="-recommendation"]')).to_have_count(3)
        section.locator(f'input[name="c{candidate.pk}-recommendation"][value="{recommendation}"]').check()
        section.locator(f'[name="c{candidate.pk}-rationale"]').fill("소위원회 검토 결과")
        actor.submit(section.locator("button[type=submit]"))
    assert SubcommitteeDecision.objects.get(candidate=reducer).recommendation == SubcommitteeRecommendation.RECOMMEND

    actor.goto(f"/manage/calls/{survey.pk}/committee/")
    actor.submit(page.locator(f"a[href='/manage/calls/{survey.pk}/committee/confirm/']"))
    today = timezone.localdate()
    expect(page.locator(f'input[name="candidates"][value="{reducer.pk}"]')).to_be_checked()
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_hearing_starts_on", today.isoformat())
    page.fill("#id_hearing_ends_on", (today + timedelta(days=14)).isoformat())
    page.fill("#id_minutes", "기술조정위원회에서 후보 기술 목록을 확정함")
    actor.submit(page.locator("main form button[type=submit]"))
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.HEARING


def _hearing(commenter: Actor, admin: Actor, survey: Survey, reducer: Candidate) -> None:
    page = commenter.page
    commenter.goto(f"/calls/{survey.pk}/")
    commenter.submit(page.get_by_test_id("hearing-link"))
    expect(page.locator("tbody tr[data-candidate]")).to_have_count(1)
    commenter.submit(page.locator(f'tr[data-candidate="{reducer.number}"] a'))
    page.check('input[name="stance"][value="for"]')
    page.fill('textarea[name="body"]', COMMENT)
    commenter.submit(page.locator("main form button[type=submit]"))
    comment = HearingComment.objects.get(candidate=reducer)

    admin.goto(f"/manage/calls/{survey.pk}/hearing/")
    admin.submit(admin.page.locator(f'tr[data-comment="{comment.pk}"] a[href$="/answer/"]'))
    admin.page.fill('textarea[name="answer"]', ANSWER)
    admin.submit(admin.page.locator("main form button[type=submit]"))
    comment.refresh_from_db()
    assert comment.answer == ANSWER

    commenter.goto(f"/hearing/candidates/{reducer.pk}/")
    expect(page.locator(f'[data-answer="{comment.pk}"]')).to_contain_text(ANSWER)


# 5. National committee, notice, register, results


def _national_committee(actor: Actor, survey: Survey, reducer: Candidate) -> None:
    page = actor.page
    actor.goto("/dashboard/secretary/")
    actor.submit(page.locator(f'a[data-national-survey="{survey.pk}"]'))
    page.fill("#id_title", "제6차 국가첨단전략산업위원회")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_attendees", "위원장 외 20인")
    actor.submit(page.locator("main form button[type=submit]"))
    agenda = page.locator(f'section[data-candidate="{reducer.number}"]')
    prefix = f"c{reducer.pk}"
    agenda.locator(f'input[name="{prefix}-decision"][value="designate"]').check()
    agenda.locator(f"#id_{prefix}-votes_for").fill("18")
    agenda.locator(f"#id_{prefix}-votes_against").fill("1")
    agenda.locator(f"#id_{prefix}-reason").fill("공급망 안보 효과가 크고 기술 난이도가 높음")
    actor.submit(agenda.locator("form button[type=submit]"))
    actor.submit(page.get_by_test_id("close-meeting"))
    resolution = Resolution.objects.get(candidate=reducer)
    assert resolution.decision == Decision.DESIGNATE and resolution.meeting.closed_at is not None


def _publish_notice(admin: Actor, survey: Survey) -> Notice:
    page = admin.page
    admin.goto(f"/manage/calls/{survey.pk}/notices/")
    page.fill("#id_number", NOTICE_NUMBER)
    page.fill("#id_title", "국가첨단전략기술 지정 고시")
    page.fill("#id_preamble", "국가첨단전략산업법 제11조에 따라 다음과 같이 고시합니다.")
    page.fill("#id_effective_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    admin.submit(page.locator("form:has(#id_number) button[type=submit]"))
    expect(page.locator("tr[data-item]")).to_contain_text(REDUCER)
    admin.submit(page.get_by_test_id("publish"))
    notice = Notice.objects.get(number=NOTICE_NUMBER)
    assert notice.status == NoticeStatus.PUBLISHED
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.NOTICE
    return notice


def _public_register(public: Actor, reducer: Candidate, notice: Notice) -> None:
    page = public.page
    public.goto("/")
    public.submit(page.locator('nav a[href="/register/"]'))
    entry = RegisterEntry.objects.get(candidate=reducer)
    row = page.locator(f'tr[data-entry="{entry.number}"]')
    expect(row).to_contain_text(REDUCER)
    expect(row).to_contain_text(NOTICE_NUMBER)
    expect(page.locator("main")).not_to_contain_text(LIDAR)
    public.submit(row.locator(f'a[href="/notices/{notice.pk}/"]'))
    expect(page.get_by_test_id("notice-number")).to_have_text(NOTICE_NUMBER)


def _results(company_a: Actor, direct: Application, company_b: Actor, forwarded: Application, notice: Notice) -> None:
    company_a.goto("/dashboard/applicant/")
    company_a.submit(company_a.page.get_by_role("link", name=REDUCER))
    result = company_a.page.get_by_test_id("result")
    expect(result.get_by_test_id("result-outcome")).to_have_text("지정")
    expect(result.get_by_test_id("result-notice")).to_have_text(NOTICE_NUMBER)
    assert Result.objects.get(application=direct).outcome == "designated"

    company_b.goto(f"/applications/{forwarded.pk}/")
    expect(company_b.page.get_by_test_id("result")).to_be_visible()
    assert Result.objects.get(application=forwarded).outcome == "not_selected"


def _inbox(company_a: Actor, direct: Application) -> None:
    """Every mail also reaches the inbox: the result is there, unread, and opens the application."""
    page = company_a.page
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    company_a.submit(page.get_by_test_id("inbox-link"))
    result = page.get_by_test_id("notification").filter(has_text=REDUCER).filter(has_text="결과 통보").first
    expect(result).to_contain_text("새 알림")
    company_a.submit(result.get_by_role("link"))
    assert page.url.endswith(f"/applications/{direct.pk}/"), page.url
    company_a.goto("/notifications/?unread=1")
    expect(page.get_by_test_id("notification-list")).not_to_contain_text("결과 통보")
