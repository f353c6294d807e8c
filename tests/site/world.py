"""One complete world for the site-wide tests: every role, five calls, every stage's records, built by the services.

``build_world()`` makes:

- the ten roles of the access matrix (``ROLES``): organisation A's applicant (manager of A), organisation B's
  applicant, the staff of the association a third company C files through, a ministry liaison, MSIT's read-only
  observer, a reviewer with an accepted assignment, a reviewer whose assignment ended in a declared conflict, the
  committee secretary and the ministry admin;
- ``call``: a call in collection with A's submitted application (attachment, exclusion, a version with its PDF),
  B's, C's through the association, the ministry-channel one, and A's accepted candidate with both reviewers;
  a guidance file, a briefing, a question, an invited recipient;
- ``late``: a second call taken through technical review (reviews, the subcommittee's meeting and decisions, the
  committee's confirmation), the hearing (a comment with its answer), the national committee (a closed meeting with
  resolutions, an open meeting), a published notice (register entry, results), an objection routed to the
  conflicted reviewer, and a second draft notice;
- ``complex_call``: a specialised-complex call with a published notice (a designated complex in the register of
  complexes) and a draft notice with a complex and a change of area;
- ``rnd_selecting``: an international R&D call at its selection (a proposal, an open selection committee meeting);
  a second one with its selection announcement published (``rnd_notice``) and another drafted (``rnd_draft``);
- ``reviewing``, ``hearing`` and ``deliberating``: three calls held in technical review, the hearing and the
  national committee, where those stages' forms are still open;
- a pending sign-up request and two spare members of A whose roles the revoke URLs may take away.

Guidance files and briefings have no service (their views save the model); the PDFs the render tasks would make
are stored directly.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.enums import OrganizationType, Role
from portal.models import Notification, Organization
from portal.models.identity import AssociationMembership
from portal.services.memberships import member_invite
from portal.services.signup import signup_request_create
from portal.services.user_settings import calendar_token_issue
from review.enums import Decision, HearingChange, RenderStatus, Stance, SubcommitteeRecommendation
from review.models import CommitteeBook, Notice, NoticeItem, PanelMember, RegisterEntry, Result
from review.services import (
    bundles,
    committee,
    committee_book,
    exclusions,
    hearing,
    national,
    notices,
    pool,
    rereview,
    reviewing,
)
from review.services import results as results_service
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Application, ApplicationVersion, Briefing, Field, GuidanceFile, Question, Survey
from surveys.services import applications as applying
from surveys.services.calls import survey_create, survey_transition
from surveys.services.distribution import invitations_send, recipients_import
from surveys.services.inquiries import inquiry_ask
from surveys.services.intake import intake_accept
from tests.applications.conftest import COMPLETE_ANSWERS
from tests.factories import MINIMAL_PDF, OrganizationFactory, make_user, store_pdf
from tests.review.helpers import add_reviewer, assign, submit_review

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "applicant_a",  # a manager of company A, which files directly
    "applicant_b",  # company B, another direct applicant
    "association_staff",  # the association company C files through
    "ministry_liaison",  # the ministry whose application takes the ministry channel
    "msit_readonly",  # MSIT, the co-receiving ministry (read-only observer)
    "reviewer_assigned",  # accepted the assignment on A's candidate (pledge + declaration)
    "reviewer_conflicted",  # declared a conflict on A's candidate; later asked for an objection opinion
    "secretary",
    "admin",
]

PDF = MINIMAL_PDF
TODAY_PLUS = timedelta(days=10)


def _answers(survey, title: str) -> dict:
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    answers["basic"]["technology_name"] = title
    answers["criteria"] = {f"criterion_{c.number}": f"기준 {c.number}에 대한 근거" for c in survey.criteria.all()}
    answers["extra"] = {q.field_name: "35" for q in survey.questions.all()}
    return answers


def _call(admin, title: str, *, eligible) -> Survey:
    """A technology call for robots with one required extra question, opened for collection by the services."""
    now = timezone.now()
    survey = survey_create(
        data={
            "kind": SurveyKind.TECHNOLOGY,
            "title": title,
            "description": "국가첨단전략기술 지정 수요조사",
            "code": "ROB",
            "eligible_types": list(eligible),
            "opens_at": now - timedelta(days=1),
            "deadline": now + timedelta(days=7),
        },
        fields=Field.objects.filter(code="ROB"),
        actor=admin,
    )
    Question.objects.create(survey=survey, order=1, type="number", label="연구개발 투자액 (억 원)", required=True)
    survey = survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin)
    return survey_transition(survey, to=SurveyStage.COLLECTION, actor=admin)


def _submitted(survey, user, organization, title, *, association=None, attachments=()) -> Application:
    application = applying.application_create(survey, organization=organization, actor=user, association=association)
    for section, data in _answers(survey, title).items():
        application = applying.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    for name in attachments:
        applying.attachment_add(application, upload=SimpleUploadedFile(name, PDF), actor=user)
    version = applying.application_submit(Application.objects.get(pk=application.pk), actor=user)
    _store_pdf(ApplicationVersion.objects.filter(pk=version.pk), "pdf")
    return Application.objects.get(pk=application.pk)


def _store_pdf(queryset, field: str) -> None:
    """Store a PDF as the render task would (the tests do not run WeasyPrint for every world)."""
    store_pdf(queryset, field)


def _accepted(survey, user, organization, title, admin, **kwargs) -> Application:
    return intake_accept(_submitted(survey, user, organization, title, **kwargs), actor=admin)


def _users(w) -> dict:
    org_a = OrganizationFactory(name="한빛로보틱스 주식회사", code="HANBIT")
    association = OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국로봇산업협회", code="KAR")
    member_c = OrganizationFactory(name="다온정밀 주식회사", code="DAON")
    AssociationMembership.objects.create(member=member_c, association=association)
    ministry = Organization.objects.create(name="국방부", type=OrganizationType.MINISTRY, code="MND")
    msit = Organization.objects.create(name="과학기술정보통신부", type=OrganizationType.MINISTRY, code="MSIT")
    w.org_a, w.association, w.member_c, w.ministry = org_a, association, member_c, ministry
    w.applicant_c = make_user("applicant", organization=member_c, manager=True, name="정다온")
    return {
        ANONYMOUS: None,
        "applicant_a": make_user("applicant", organization=org_a, manager=True, name="강한빛"),
        "applicant_b": make_user("applicant", manager=True, name="윤비"),
        "association_staff": make_user("association_staff", organization=association, name="박협회"),
        "ministry_liaison": make_user("ministry_liaison", organization=ministry, name="국방연락"),
        "msit_readonly": make_user("observer", organization=msit, name="장관찰"),
        "reviewer_assigned": add_reviewer(name="배정위원"),
        "reviewer_conflicted": add_reviewer(name="충돌위원"),
        "secretary": make_user("secretary", name="서간사"),
        "admin": make_user("admin", name="관리자"),
    }


def _organization(user):
    return user.memberships.get().organization


def _collecting_call(w) -> None:
    """The first call, in collection: every channel's application and the accepted candidate with its reviewers."""
    u, admin = w.users, w.users["admin"]
    eligible = [OrganizationType.COMPANY, OrganizationType.ASSOCIATION, OrganizationType.MINISTRY]
    w.call = call = _call(admin, "로봇산업 국가첨단전략기술 지정 수요조사", eligible=eligible)
    a = u["applicant_a"]
    w.a_app = _submitted(call, a, w.org_a, "협동로봇용 고정밀 감속기", attachments=["사업계획서.pdf"])
    w.attachment = w.a_app.attachments.get()
    w.exclusion = exclusions.exclusion_add(w.a_app, actor=a, name="홍경쟁", reason="경쟁사 임원")
    w.b_app = _submitted(call, u["applicant_b"], _organization(u["applicant_b"]), "로봇 비전 센서")
    w.c_app = _submitted(call, w.applicant_c, w.member_c, "정밀 액추에이터", association=w.association)
    w.m_app = _submitted(call, u["ministry_liaison"], w.ministry, "국방 로봇 구동부")
    accepted = _accepted(call, a, w.org_a, "자율주행 물류로봇 제어기", admin, attachments=["시험성적서.pdf"])
    w.candidate = accepted.candidate
    w.panel = pool.panel_for(call, "ROB")
    for role in ("reviewer_assigned", "reviewer_conflicted"):
        PanelMember.objects.create(panel=w.panel, reviewer=u[role])
        reviewing.pledge_sign(call, reviewer=u[role], signed_name=u[role].name)
    w.assignment = reviewing.declare(
        assign(w.candidate, u["reviewer_assigned"], admin), reviewer=u["reviewer_assigned"], has_conflict=False
    )
    w.conflicted_assignment = reviewing.declare(
        assign(w.candidate, u["reviewer_conflicted"], admin),
        reviewer=u["reviewer_conflicted"],
        has_conflict=True,
        note="신청기관과 공동연구 수행 중",
    )
    w.review_attachment_id = accepted.attachments.get().pk


def _call_files(w) -> None:
    """Guidance, a briefing with materials, a question and an invited recipient on the first call."""
    admin = w.users["admin"]
    w.guidance = GuidanceFile(survey=w.call, title="공고문", original_name="공고문.pdf", size=len(PDF))
    w.guidance.file.save("guidance.pdf", ContentFile(PDF), save=True)
    w.briefing = Briefing(
        survey=w.call, starts_at=timezone.now() + timedelta(days=2), place="세종청사", materials_name="설명자료.pdf"
    )
    w.briefing.materials.save("briefing.pdf", ContentFile(PDF), save=True)
    w.inquiry = inquiry_ask(
        w.call, question="컨소시엄 신청이 가능한가요?", actor=w.users["applicant_a"], organization=w.org_a
    )
    upload = SimpleUploadedFile(
        "recipients.csv", "기관명,담당자,이메일\n한빛로보틱스,강민서,ceo@hanbit.example\n".encode()
    )
    recipients_import(w.call, upload=upload, actor=admin)
    invitations_send(w.call, actor=admin)
    w.recipient = w.call.recipients.get()


def _in_technical_review(w, title: str, filings, *, reviewed: bool) -> tuple:
    """A call whose applications were accepted (and, if ``reviewed``, scored), moved to technical review with its
    subcommittee meeting recorded. ``filings``: (user, technology name) pairs."""
    u, admin = w.users, w.users["admin"]
    survey = _call(admin, title, eligible=[OrganizationType.COMPANY])
    applications = [_accepted(survey, user, _organization(user), name, admin) for user, name in filings]
    PanelMember.objects.create(panel=pool.panel_for(survey, "ROB"), reviewer=u["reviewer_assigned"])
    if reviewed:
        for application in applications:
            submit_review(assign(application.candidate, u["reviewer_assigned"], admin))
    survey = survey_transition(survey, to=SurveyStage.TECHNICAL_REVIEW, actor=admin, reason="접수 완료", confirmed=True)
    committee.meeting_save(
        survey,
        field_code="ROB",
        held_on=timezone.localdate(),
        attendees="분과위원 5명",
        minutes="분과위원회 회의록",
        actor=w.users["secretary"],
    )
    return survey, applications


def _confirmed(w, survey, applications):
    """Recommended by the subcommittee and confirmed by the committee: the call is in the hearing, open today."""
    secretary = w.users["secretary"]
    for application in applications:
        committee.decision_record(
            application.candidate,
            recommendation=SubcommitteeRecommendation.RECOMMEND,
            rationale="기술 파급효과가 큼",
            actor=secretary,
        )
    today = timezone.localdate()
    committee.committee_confirm(
        survey,
        candidate_ids=[a.candidate_id for a in applications],
        held_on=today,
        minutes="기술조정위원회 회의록",
        hearing_starts_on=today,
        hearing_ends_on=today + TODAY_PLUS,
        actor=secretary,
    )


def _open_stages(w) -> None:
    """Three more calls whose stage's forms are open: technical review (an undeclared assignment, the
    subcommittee's decisions still to record), the hearing (an unanswered comment) and the national committee
    (no meeting yet)."""
    u, admin = w.users, w.users["admin"]
    b = u["applicant_b"]
    w.reviewing, (application,) = _in_technical_review(
        w, "반도체 국가첨단전략기술 지정 수요조사", [(b, "차세대 노광 장비")], reviewed=False
    )
    w.undeclared = assign(application.candidate, u["reviewer_assigned"], admin)
    w.hearing, applications = _in_technical_review(
        w, "디스플레이 국가첨단전략기술 지정 수요조사", [(b, "마이크로 LED 전사")], reviewed=False
    )
    _confirmed(w, w.hearing, applications)
    w.hearing_candidate = applications[0].candidate
    w.unanswered = hearing.hearing_comment_add(
        w.hearing_candidate, stance=Stance.FOR, body="국내 공급망에 꼭 필요합니다.", actor=u["applicant_a"]
    )
    w.deliberating, applications = _in_technical_review(
        w, "바이오 국가첨단전략기술 지정 수요조사", [(b, "항체 연속 생산 공정")], reviewed=False
    )
    _confirmed(w, w.deliberating, applications)
    w.deliberating = survey_transition(
        w.deliberating, to=SurveyStage.NATIONAL_COMMITTEE, actor=admin, reason="의견 청취 완료", confirmed=True
    )


def _through_committee(w) -> None:
    """The second call: reviewed, recommended by the subcommittee, confirmed, heard and answered."""
    u, admin, secretary = w.users, w.users["admin"], w.users["secretary"]
    w.late, (w.late_a_app, w.late_b_app) = _in_technical_review(
        w,
        "이차전지 국가첨단전략기술 지정 수요조사",
        [(u["applicant_a"], "전고체 배터리 양산 공정"), (u["applicant_b"], "리튬메탈 음극재")],
        reviewed=True,
    )
    w.book, _created = committee_book.book_request(w.late, field_code="ROB", actor=secretary)
    _store_pdf(CommitteeBook.objects.filter(pk=w.book.pk), "file")
    CommitteeBook.objects.filter(pk=w.book.pk).update(status=RenderStatus.DONE, done=1, total=1)
    _confirmed(w, w.late, [w.late_a_app, w.late_b_app])
    w.comment = hearing.hearing_comment_add(
        w.late_a_app.candidate, stance=Stance.AGAINST, body="이미 범용화된 기술입니다.", actor=u["applicant_b"]
    )
    hearing.hearing_comment_answer(
        w.comment, answer="기술 난이도를 재검토하였습니다.", change=HearingChange.NONE, actor=admin
    )
    w.late = survey_transition(
        w.late, to=SurveyStage.NATIONAL_COMMITTEE, actor=admin, reason="의견 청취 완료", confirmed=True
    )


def _through_notice(w) -> None:
    """National committee, a published notice with results, an objection, and a second draft notice."""
    u, admin, secretary = w.users, w.users["admin"], w.users["secretary"]
    a_candidate, b_candidate = w.late_a_app.candidate, w.late_b_app.candidate
    meeting = national.meeting_create(
        w.late,
        title="제5차 국가첨단전략산업위원회",
        held_on=timezone.localdate(),
        attendees="위원장 외 20인",
        actor=secretary,
    )
    w.resolution = national.resolution_record(
        meeting,
        a_candidate,
        decision=Decision.DESIGNATE,
        reason="지정 의결",
        votes_for=15,
        votes_against=2,
        votes_abstain=1,
        actor=secretary,
    )
    national.resolution_record(meeting, b_candidate, decision=Decision.DESIGNATE, reason="지정 의결", actor=secretary)
    w.closed_meeting = national.meeting_close(meeting, actor=secretary)
    w.open_meeting = national.meeting_create(
        w.late, title="제6차 국가첨단전략산업위원회", held_on=timezone.localdate() + TODAY_PLUS, actor=secretary
    )
    notice = notices.notice_draft(
        w.late,
        number="산업통상자원부 고시 제2026-17호",
        title="국가첨단전략기술 지정 고시",
        effective_on=timezone.localdate(),
        preamble="다음과 같이 고시합니다.",
        actor=admin,
    )
    notices.notice_item_remove(notice.items.get(candidate=b_candidate), actor=admin)
    w.notice = notices.notice_publish(notice, actor=admin)
    _store_pdf(Notice.objects.filter(pk=w.notice.pk), "pdf")
    w.entry = RegisterEntry.objects.get(candidate=a_candidate)
    w.result = Result.objects.get(application=w.late_a_app)
    w.objection = results_service.objection_lodge(
        w.result, ground="fact", body="평가 사실관계에 오류가 있습니다.", actor=u["applicant_a"]
    )
    results_service.objection_route(w.objection, reviewers=[u["reviewer_conflicted"]], actor=admin)
    b_objection = results_service.objection_lodge(
        Result.objects.get(application=w.late_b_app),
        ground="procedure",
        body="절차에 하자가 있습니다.",
        actor=u["applicant_b"],
    )
    results_service.objection_decide(b_objection, outcome="upheld", reason="재검토 필요", actor=admin)
    (w.re_review,) = rereview.re_review_assign(b_objection, reviewers=[u["reviewer_conflicted"]], actor=admin)
    reviewing.pledge_sign(w.late, reviewer=u["reviewer_conflicted"], signed_name=u["reviewer_conflicted"].name)
    w.draft = notices.notice_draft(
        w.late,
        number="산업통상자원부 고시 제2026-31호",
        title="추가 지정 고시",
        effective_on=timezone.localdate() + TODAY_PLUS,
        actor=admin,
    )
    w.draft_item = NoticeItem.objects.get(notice=w.draft, candidate=b_candidate)
    w.revoke_item = notices.notice_item_revoke(w.draft, entry=w.entry, actor=admin)


def _complex_call(w) -> None:
    """A specialised-complex call in its advisory stage: company A's plan, reviewed and visited by the panel."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from review.services.site_visits import site_visit_record
    from tests.complexes.world import plan_answers

    u, admin = w.users, w.users["admin"]
    survey = survey_create(
        data={
            "kind": SurveyKind.COMPLEX,
            "title": "이차전지 특화단지 지정 신청",
            "description": "특화단지",
            "code": "CPX",
            "eligible_types": [OrganizationType.COMPANY, OrganizationType.LOCAL_GOVERNMENT],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + TODAY_PLUS,
        },
        fields=Field.objects.filter(code__in=["BAT"]),
        actor=admin,
    )
    survey = survey_transition(
        survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin), to=SurveyStage.COLLECTION, actor=admin
    )
    application = applying.application_create(survey, organization=w.org_a, actor=u["applicant_a"])
    for section, data in plan_answers(survey).items():
        application = applying.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=u["applicant_a"]
        )
    applying.application_submit(Application.objects.get(pk=application.pk), actor=u["applicant_a"])
    w.plan = intake_accept(Application.objects.get(pk=application.pk), actor=admin).candidate
    survey_transition(survey, to=SurveyStage.ADVISORY_REVIEW, actor=admin, reason="접수 완료", confirmed=True)
    PanelMember.objects.create(panel=pool.panel_for(survey, "BAT"), reviewer=u["reviewer_assigned"])
    assign(w.plan, u["reviewer_assigned"], admin)
    photo = SimpleUploadedFile("site.pdf", PDF, content_type="application/pdf")
    visit = site_visit_record(
        w.plan,
        visited_on=timezone.localdate(),
        members=[u["reviewer_assigned"]],
        findings="부지 정지 작업 진행 중",
        photos=[photo],
        actor=u["reviewer_assigned"],
    )
    w.site_photo = visit.photos.get()
    w.rnd_call = survey_create(
        data={
            "kind": SurveyKind.INTERNATIONAL_RND,
            "title": "국제공동 R&D 후보기술 수요조사",
            "description": "국제공동",
            "code": "IRD",
            "eligible_types": [OrganizationType.COMPANY],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + TODAY_PLUS,
        },
        fields=Field.objects.filter(code__in=["SEM"]),
        actor=admin,
    )


def _portal(w) -> None:
    admin, manager = w.users["admin"], w.users["applicant_a"]
    w.signup = signup_request_create(
        data={
            "organization_name": "새한테크 주식회사",
            "organization_type": OrganizationType.COMPANY,
            "business_number": "220-81-12345",
            "contact_name": "오새한",
            "contact_email": "oh@saehan.example",
        }
    )
    w.spare_membership = member_invite(
        w.org_a, email="spare1@hanbit.example", name="여분일", role=Role.APPLICANT, actor=admin
    )
    w.member_membership = member_invite(
        w.org_a, email="spare2@hanbit.example", name="여분이", role=Role.APPLICANT, actor=manager
    )
    w.notification = Notification.objects.filter(user=manager).first()  # the mail of A's first submission
    w.calendar_token = calendar_token_issue(manager).calendar_token
    w.bundle = bundles.intake_bundle_request(w.call, filters={}, actor=admin)
    bundles.bundle_build(w.bundle.pk)
    w.blind_bundle = bundles.blind_bundle_request(w.call, actor=w.users["reviewer_assigned"])
    bundles.bundle_build(w.blind_bundle.pk)


def _complex_outcome(w) -> None:
    """A complex call with a published notice (one designated complex) and a draft notice with a second complex and a
    change of area to the first."""
    from review.models import DesignatedComplex
    from review.services import complex_notices
    from tests.review.complex_world import complex_call, complex_notice, designated

    admin, secretary = w.users["admin"], w.users["secretary"]
    w.complex_call = complex_call(admin)
    (first, second), notice = designated(
        w.complex_call,
        w.users["applicant_a"],
        secretary,
        admin,
        "청주 오창 이차전지 특화단지",
        "울산 미포 이차전지 특화단지",
        conditions="용수 공급계획 확정",
    )
    complex_notices.complex_item_remove(notice.complex_items.get(candidate=second), actor=admin)
    w.complex_notice = notices.notice_publish(notice, actor=admin)
    w.complex_entry = DesignatedComplex.objects.get(candidate=first)
    w.complex_draft = complex_notice(w.complex_call, admin, number="산업통상자원부 고시 제2026-41호")
    w.complex_item = w.complex_draft.complex_items.get(candidate=second)
    w.complex_change_item = complex_notices.complex_item_amend(
        w.complex_draft, entry=w.complex_entry, action="change_area", area_m2="1500000", note="부지 확장", actor=admin
    )


def _rnd_layers(w) -> None:
    """A second international R&D call in its panel evaluation: layer 1 closed, the assigned reviewer on the
    layer-2 panel of its one candidate (pledged and declared)."""
    from review.services import layers
    from review.services.assignment import assign_by_hand
    from surveys.models import Candidate

    admin, member = w.users["admin"], w.users["reviewer_assigned"]
    w.rnd_panel = survey_create(
        data={
            "kind": SurveyKind.INTERNATIONAL_RND,
            "title": "국제공동 R&D 후보기술 2차 검증",
            "description": "국제공동",
            "code": "IRP",
            "eligible_types": [OrganizationType.COMPANY],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + TODAY_PLUS,
        },
        fields=Field.objects.filter(code__in=["SEM"]),
        actor=admin,
    )
    Survey.objects.filter(pk=w.rnd_panel.pk).update(stage=SurveyStage.EXPERT_EVALUATION)
    w.rnd_panel.refresh_from_db()
    candidate = Candidate.objects.create(survey=w.rnd_panel, number="IRP-T001", title="EUV 펠리클", field_code="SEM")
    layers.layer_close(w.rnd_panel.evaluation_layers.get(number=1), actor=w.users["secretary"])
    Survey.objects.filter(pk=w.rnd_panel.pk).update(stage=SurveyStage.PANEL_EVALUATION)
    w.rnd_panel.refresh_from_db()
    w.panel_assignment = assign_by_hand(candidate, member, actor=admin, layer=2)
    reviewing.pledge_sign(w.rnd_panel, reviewer=member, signed_name=member.name)
    reviewing.declare(w.panel_assignment, reviewer=member, has_conflict=False)


def _rnd_selection(w) -> None:
    """Two international R&D calls: one at its selection (a proposed category, an open committee meeting), one with
    its selection announcement published."""
    from review.models import SelectionProposal
    from tests.international import selection_world as rnd

    admin, secretary = w.users["admin"], w.users["secretary"]
    w.rnd_selecting = rnd.rnd_call(admin)
    w.rnd_category = rnd.leap(w.rnd_selecting)
    rnd.candidate(w.rnd_selecting, w.rnd_category, "EUV 펠리클 소재", rank=1, countries=("BE",))
    rnd.propose_all(w.rnd_category, secretary)
    w.rnd_proposal = SelectionProposal.objects.get(category=w.rnd_category)
    w.rnd_meeting = rnd.meeting(w.rnd_selecting, secretary)
    announced = rnd.rnd_call(admin)
    rnd.candidate(announced, rnd.foundational(announced), "초전도 송전 케이블", rank=1, countries=("JP",))
    rnd.closed_selection(announced, secretary)
    w.rnd_draft = rnd.announcement(announced, admin, number="산업통상자원부 공고 제2027-201호")
    w.rnd_notice = notices.notice_publish(
        rnd.announcement(announced, admin, number="산업통상자원부 공고 제2027-200호"), actor=admin
    )


def build_world() -> SimpleNamespace:
    """Everything the site-wide matrix and fuzz tests request, made through the services."""
    w = SimpleNamespace()
    w.users = _users(w)
    _collecting_call(w)
    _call_files(w)
    _through_committee(w)
    _through_notice(w)
    _open_stages(w)
    _complex_call(w)
    _rnd_layers(w)
    _portal(w)
    _complex_outcome(w)
    _rnd_selection(w)
    return w
