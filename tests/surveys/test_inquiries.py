"""Questions about a call: private to the asker and the admin until answered and published."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import AuditEvent, OutboundMail
from surveys.enums import SurveyStage
from surveys.models import Inquiry
from tests.factories import OrganizationFactory, make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

QUESTION = "중소기업 컨소시엄도 신청할 수 있습니까?"
ANSWER = "네, 주관기관을 정하여 신청할 수 있습니다."


@pytest.fixture
def call(db):
    return make_survey(stage=SurveyStage.DISTRIBUTION, title="로봇 분야 기술 수요조사")


@pytest.fixture
def asker(db):
    organization = OrganizationFactory(name="한빛로보틱스 주식회사")
    return make_user("applicant", organization=organization, name="강민서", email="kang@hanbit.example")


def _ask(client, user, survey, question=QUESTION):
    client.force_login(user)
    return client.post(reverse("surveys:ask_question", kwargs={"pk": survey.pk}), {"question": question})


def _detail(client, survey, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("surveys:call_detail", kwargs={"pk": survey.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _answer(client, admin, inquiry, publish, answer=ANSWER):
    client.force_login(admin)
    data = {"answer": answer}
    if publish:
        data["publish"] = "on"
    url = reverse("surveys:manage_inquiry_answer", kwargs={"pk": inquiry.survey_id, "inquiry_pk": inquiry.pk})
    return client.post(url, data)


def test_member_asks_and_sees_it_among_my_questions(client, call, asker):
    response = _ask(client, asker, call)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:call_detail", kwargs={"pk": call.pk})
    inquiry = Inquiry.objects.get()
    assert (inquiry.survey, inquiry.asked_by, inquiry.organization.name) == (call, asker, "한빛로보틱스 주식회사")
    assert AuditEvent.objects.for_object(inquiry).get(action="surveys.inquiry.asked").actor == asker
    assert QUESTION in _detail(client, call, asker)


def test_unanswered_question_is_private(client, call, asker, admin):
    _ask(client, asker, call)
    colleague = make_user("applicant", organization=asker.memberships.get().organization)
    outsider = make_user("applicant")
    assert QUESTION not in _detail(client, call)
    assert QUESTION not in _detail(client, call, outsider)
    assert QUESTION not in _detail(client, call, colleague)
    client.force_login(admin)
    admin_page = client.get(reverse("surveys:manage_inquiries", kwargs={"pk": call.pk})).content.decode()
    assert QUESTION in admin_page and "한빛로보틱스 주식회사" in admin_page


def test_answered_but_unpublished_stays_private_and_is_mailed_once(
    client, call, asker, admin, django_capture_on_commit_callbacks
):
    _ask(client, asker, call)
    inquiry = Inquiry.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, admin, inquiry, publish=False)
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.answer == ANSWER and inquiry.is_published is False and inquiry.answered_by == admin
    assert [m.to for m in mail.outbox] == [["kang@hanbit.example"]]
    assert ANSWER in mail.outbox[0].body and "로봇 분야 기술 수요조사" in mail.outbox[0].subject
    public = _detail(client, call)
    assert QUESTION not in public and ANSWER not in public
    assert QUESTION not in _detail(client, call, make_user("applicant"))
    assert QUESTION in _detail(client, call, asker)


def test_published_answer_appears_without_the_askers_name_and_is_not_mailed_again(
    client, call, asker, admin, django_capture_on_commit_callbacks
):
    _ask(client, asker, call)
    inquiry = Inquiry.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _answer(client, admin, inquiry, publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(client, admin, inquiry, publish=True, answer=ANSWER + " 추가 설명")
    inquiry.refresh_from_db()
    assert inquiry.is_published is True
    assert len(mail.outbox) == 1
    assert OutboundMail.objects.filter(template="inquiry_answered").count() == 1
    assert AuditEvent.objects.for_object(inquiry).filter(action="surveys.inquiry.answered").count() == 2
    public = _detail(client, call)
    assert QUESTION in public and ANSWER + " 추가 설명" in public
    assert "강민서" not in public and "kang@hanbit.example" not in public and "한빛로보틱스" not in public


def test_answer_published_at_once_is_public(client, call, asker, admin, django_capture_on_commit_callbacks):
    _ask(client, asker, call)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(client, admin, Inquiry.objects.get(), publish=True)
    assert len(mail.outbox) == 1
    assert ANSWER in _detail(client, call)


def test_anonymous_visitor_is_sent_to_log_in(client, call):
    response = client.post(reverse("surveys:ask_question", kwargs={"pk": call.pk}), {"question": QUESTION})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("role", [None, "reviewer", "secretary", "admin"])
def test_users_without_an_organisation_cannot_ask(client, call, role):
    response = _ask(client, make_user(role), call)
    assert response.status_code == 404
    assert not Inquiry.objects.exists()


def test_member_of_a_revoked_membership_cannot_ask(client, call, asker):
    asker.memberships.update(is_active=False)
    assert _ask(client, asker, call).status_code == 404
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("role", ["association_staff", "ministry_liaison"])
def test_other_organisation_roles_may_ask(client, call, role):
    assert _ask(client, make_user(role), call).status_code == 302
    assert Inquiry.objects.count() == 1


def test_asking_on_a_draft_call_is_404(client, asker):
    draft = make_survey()
    assert _ask(client, asker, draft).status_code == 404
    assert not Inquiry.objects.exists()


def test_asking_is_post_only(client, call, asker):
    client.force_login(asker)
    assert client.get(reverse("surveys:ask_question", kwargs={"pk": call.pk})).status_code == 405


def test_empty_question_is_refused(client, call, asker):
    response = _ask(client, asker, call, question="   ")
    assert response.status_code == 400
    assert response.context["inquiry_form"].errors
    assert not Inquiry.objects.exists()


def test_admin_cannot_answer_a_question_of_another_call(client, call, asker, admin):
    _ask(client, asker, call)
    inquiry = Inquiry.objects.get()
    other = make_survey(stage=SurveyStage.DISTRIBUTION)
    client.force_login(admin)
    url = reverse("surveys:manage_inquiry_answer", kwargs={"pk": other.pk, "inquiry_pk": inquiry.pk})
    assert client.post(url, {"answer": ANSWER, "publish": "on"}).status_code == 404
    inquiry.refresh_from_db()
    assert inquiry.answer == ""


def test_a_co_receiving_ministry_reads_the_call_but_asks_nothing(client, call):
    observer = make_user("observer", organization=OrganizationFactory(type="ministry", name="과학기술정보통신부"))
    html = _detail(client, call, observer)
    assert 'name="question"' not in html
    response = _ask(client, observer, call)
    assert response.status_code == 404 and not Inquiry.objects.exists()
