"""An international R&D call from its candidates to the public list of selected candidates, each person in their
own browser: a layer-1 expert, a layer-2 panel member, the committee secretary, the ministry admin and the public.
What is tedious (the call, the accepted proposals, the other candidate's evaluations, the stage moves) is made
through the services; axe-core runs on every page they load."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from review.enums import AssignmentStatus, NoticeStatus, SelectionDecision
from review.models import Assignment, LayerOutcome, Notice, RegisterEntry, SelectionProposal
from review.services import assignment as assigning
from review.services import judgements
from surveys.enums import SurveyStage
from surveys.services.calls import survey_transition
from tests.browser.tour_steps import Actor
from tests.factories import make_user
from tests.international.layers_world import APPLICANTS, CONTACT, international_world
from tests.review.helpers import accept, submit_review

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "산업통상자원부 공고 제2026-77호"
ESSENTIAL_REASON = "벨기에 imec의 EUV 검증 설비가 국내에 없음"


def _score(expert: Actor, w) -> None:
    """The layer-1 expert declares no conflict and scores the first candidate on its blind review page."""
    page = expert.page
    mine = Assignment.objects.get(layer=1, candidate=w.first)
    expert.goto(f"/review/assignments/{mine.pk}/")
    page.check('input[name="choice"][value="none"]')
    expert.submit(page.locator('form:has(input[name="choice"]) button[type=submit]'))
    expect(page.locator("main")).not_to_contain_text(APPLICANTS[0])  # blind
    for number in w.call.criteria.values_list("number", flat=True):
        page.select_option(f'select[name="score_{number}"]', "5")
        page.fill(f'textarea[name="justification_{number}"]', f"기준 {number}: 해외 검증이 필수적임")
    page.select_option('select[name="recommendation"]', "recommend")
    page.fill('textarea[name="comment"]', "국제 공동연구로 추진할 가치가 큼")
    expert.submit(page.locator('button[name="action"][value="submit"]'))
    expect(page.locator('button[name="action"]')).to_have_count(0)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED


def _close_layer(secretary: Actor, w, number: int) -> None:
    page = secretary.page
    secretary.goto(f"/manage/calls/{w.call.pk}/layers/dashboard/")
    secretary.submit(page.get_by_test_id(f"close-layer-{number}"))
    expect(page.locator(".messages")).to_contain_text(f"{number}차 평가를 마감하고 2건의 결과를 산출했습니다.")
    expect(page.locator(f'[data-layer-summary="{number}"] .badge')).to_have_text("마감")
    expect(page.get_by_test_id(f"close-layer-{number}")).to_have_count(0)


def _judge(member: Actor, w, expert) -> None:
    """The layer-2 member declares, reads the blind proposal and layer 1's outcome, and judges it essential."""
    page = member.page
    mine = Assignment.objects.get(layer=2, candidate=w.first)
    member.goto(f"/review/assignments/{mine.pk}/")
    page.check('input[name="choice"][value="none"]')
    member.submit(page.locator('form:has(input[name="choice"]) button[type=submit]'))
    expect(page).to_have_url(f"{member.base}/review/assignments/{mine.pk}/judgement/")
    main = page.locator("main")
    expect(main).to_contain_text(w.first.number)
    expect(main).to_contain_text("국제 공동연구로 추진할 가치가 큼")  # layer 1's comment, without its author
    expert_pseudonym = Assignment.objects.get(layer=1, candidate=w.first).pseudonym
    for hidden in (*APPLICANTS, CONTACT, expert.name, f"평가위원 {expert_pseudonym}"):
        expect(main).not_to_contain_text(hidden)
    page.check('input[name="essential"][value="yes"]')
    page.fill('textarea[name="essential_reason"]', ESSENTIAL_REASON)
    member.submit(page.locator('button[name="action"][value="submit"]'))
    expect(page.locator(".messages")).to_contain_text("검증 의견을 제출했습니다.")
    expect(page.get_by_test_id("submitted-judgement")).to_contain_text(ESSENTIAL_REASON)


def _propose(secretary: Actor, w) -> None:
    page = secretary.page
    leap = w.call.categories.get(horizon_years=5)
    secretary.goto(f"/manage/calls/{w.call.pk}/selection/")
    secretary.submit(page.locator(f'tr[data-category="{leap.pk}"] a'))
    expect(page.locator(f'tr[data-candidate="{w.second.number}"]')).to_contain_text("아니요")  # not essential
    page.check(f'input[name="proposed_{w.first.pk}"]')
    secretary.submit(page.locator("main form button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text(f"‘{leap.name}’ 분야의 선정안을 저장했습니다.")
    expect(page.get_by_test_id("quota")).to_contain_text("사업화 목표 5년 · 할당 48건 · 제안 1건")
    assert list(SelectionProposal.objects.filter(proposed=True).values_list("candidate", flat=True)) == [w.first.pk]


def _decide(secretary: Actor, w) -> None:
    """The committee's meeting, its decision on each proposal, and both categories closed."""
    page = secretary.page
    secretary.goto(f"/manage/calls/{w.call.pk}/selection/")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_place", "정부세종청사")
    page.fill("#id_chair", "김위원장")
    page.fill("#id_members_present", "7")
    page.fill("#id_minutes", "초격차 기술 분야 선정 심의")
    secretary.submit(page.locator("main form button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("선정위원회 회의를 기록했습니다.")
    for candidate, decision in ((w.first, SelectionDecision.SELECTED), (w.second, SelectionDecision.NOT_SELECTED)):
        form = page.locator(f'tr[data-candidate="{candidate.number}"] [data-testid="decision-form"]')
        form.locator(f'input[name="decision"][value="{decision}"]').check()
        secretary.submit(form.locator("button[type=submit]"))
        expect(page.locator(".messages")).to_contain_text("결정을 기록했습니다.")
    expect(page.locator(f'tr[data-candidate="{w.first.number}"] strong')).to_have_text("선정")
    expect(page.locator(f'tr[data-candidate="{w.second.number}"] strong')).to_have_text("미선정")
    for category, selected in (
        (w.call.categories.get(horizon_years=5), 1),
        (w.call.categories.get(horizon_years=10), 0),
    ):
        secretary.submit(page.locator(f'form[action$="/categories/{category.pk}/close/"] button'))
        expect(page.locator(".messages")).to_contain_text(
            f"‘{category.name}’ 분야를 할당 {category.quota}건 중 {selected}건 선정으로 마감했습니다."
        )
        expect(page.locator(f'section[data-category="{category.pk}"] .badge')).to_have_text("마감")


def _announce(admin: Actor, w) -> None:
    page = admin.page
    admin.goto(f"/manage/calls/{w.call.pk}/selection/")
    closed = page.locator("main .alert-success")
    expect(closed).to_contain_text("모든 분야가 마감되어 선정 공고를 작성할 수 있습니다.")
    admin.submit(closed.locator(f'a[href="/manage/calls/{w.call.pk}/notices/"]'))
    page.fill("#id_number", NUMBER)
    page.fill("#id_title", "국제공동 R&D 후보기술 선정 공고")
    page.fill("#id_effective_on", timezone.localdate().isoformat())
    admin.submit(page.locator("form:has(#id_number) button[type=submit]"))
    expect(page.locator("main")).to_contain_text(w.first.title)
    expect(page.locator("main")).not_to_contain_text(w.second.title)
    admin.submit(page.get_by_test_id("publish"))
    expect(page.get_by_test_id("notice-status")).to_have_text("공고 게시됨")
    notice = Notice.objects.get(number=NUMBER)
    assert notice.status == NoticeStatus.PUBLISHED and notice.lists_selection
    assert not RegisterEntry.objects.exists()  # a selection designates nothing


def _find(public: Actor, w) -> None:
    page = public.page
    public.goto("/")
    public.submit(page.locator('nav a[href="/register/international/"]'))
    row = page.locator("tr[data-selected]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(w.first.title)
    expect(row).to_contain_text(NUMBER)
    expect(page.locator("main")).not_to_contain_text(APPLICANTS[0])


def test_an_international_call_goes_from_its_layers_to_the_public_selection(tour, transactional_db):
    admin_user = make_user("admin", name="김산업")
    secretary_user = make_user("secretary", name="서간사")
    w = international_world(admin_user, experts=1, members=1)
    expert_user, member_user = w.experts[0], w.members[0]
    # the other candidate: scored low in layer 1, judged not essential in layer 2, through the services
    submit_review(Assignment.objects.get(layer=1, candidate=w.second))

    _score(tour.open_as("expert", expert_user), w)
    secretary = tour.open_as("secretary", secretary_user)
    _close_layer(secretary, w, 1)
    assert LayerOutcome.objects.get(layer=w.layer1, candidate=w.first).rank == 1

    w.call = survey_transition(w.call, to=SurveyStage.PANEL_EVALUATION, actor=admin_user)
    assigning.assign_automatically(w.call, actor=admin_user, layer=2)
    judgements.judgement_save(
        accept(Assignment.objects.get(layer=2, candidate=w.second)),
        reviewer=member_user,
        essential=False,
        essential_reason="국내 단독 개발 가능",
        submit=True,
    )
    _judge(tour.open_as("member", member_user), w, expert_user)
    _close_layer(secretary, w, 2)
    assert LayerOutcome.objects.get(layer=w.layer2, candidate=w.first).essential is True

    w.call = survey_transition(w.call, to=SurveyStage.SELECTION, actor=admin_user)
    _propose(secretary, w)
    _decide(secretary, w)
    _announce(tour.open_as("admin", admin_user), w)
    w.call.refresh_from_db()
    assert w.call.stage == SurveyStage.NOTICE
    _find(tour.open_as("public"), w)
    assert not tour.audit.findings, tour.audit.report()
