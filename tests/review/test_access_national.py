"""Who may open the national committee, notice and register URLs, over the roles."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.enums import OrganizationType
from portal.models import Organization
from review.models import Notice, NoticeItem, RegisterEntry, Resolution
from review.services import national, notices
from tests.factories import make_user, store_pdf
from tests.review.helpers import accepted_candidate, add_reviewer, log_in
from tests.review.national_world import designated_notice

pytestmark = pytest.mark.django_db

DELIBERATE, PUBLISH, PUBLIC = "deliberate", "publish", "public"

#: url name → (who may, method, kwargs from the world). POSTs that change state come after the pages they affect.
ROWS = {
    "national_meetings": (DELIBERATE, "get", lambda w: {"pk": w["survey"].pk}),
    "national_meeting": (DELIBERATE, "get", lambda w: {"pk": w["closed"].pk}),
    "resolution_correct": (DELIBERATE, "get", lambda w: {"pk": w["resolution"].pk}),
    "national_meeting_close": (DELIBERATE, "post", lambda w: {"pk": w["open"].pk}),
    "notices": (PUBLISH, "get", lambda w: {"pk": w["survey"].pk}),
    "notice_edit": (PUBLISH, "get", lambda w: {"pk": w["draft"].pk}),
    "notice_amend": (PUBLISH, "get", lambda w: {"pk": w["draft"].pk}),
    "notice_revoke": (PUBLISH, "get", lambda w: {"pk": w["draft"].pk}),
    "notice_item": (PUBLISH, "get", lambda w: {"pk": w["item"].pk}),
    "notice_item_remove": (PUBLISH, "post", lambda w: {"pk": w["removable"].pk}),
    "notice_publish": (PUBLISH, "post", lambda w: {"pk": w["draft"].pk}),
    "notice_public": (PUBLIC, "get", lambda w: {"pk": w["published"].pk}),
    "notice_pdf": (PUBLIC, "get", lambda w: {"pk": w["published"].pk}),
    "register": (PUBLIC, "get", lambda w: {}),
    "register_entry": (PUBLIC, "get", lambda w: {"pk": w["entry"].pk}),
}

ROLES = [
    "anonymous",
    "applicant",
    "association_staff",
    "ministry_liaison",
    "observer",
    "reviewer",
    "secretary",
    "admin",
]


@pytest.fixture
def world(open_survey, applicant, complete_answers, admin, secretary):
    """A published notice (one entry, PDF rendered), a draft with a designation and a revocation, a closed and an
    open meeting."""
    first = accepted_candidate(open_survey, applicant, complete_answers, admin)
    second = accepted_candidate(open_survey, applicant, complete_answers, admin, title="두 번째 기술")
    published = designated_notice(open_survey, [first, second], secretary=secretary, admin=admin)
    notices.notice_item_remove(published.items.get(candidate=second), actor=admin)
    open_meeting = national.meeting_create(open_survey, title="제6차 위원회", held_on=date(2026, 5, 1), actor=secretary)
    notices.notice_publish(published, actor=admin)
    store_pdf(Notice.objects.filter(pk=published.pk))  # as the render task would; the PDF's content is not asked
    entry = RegisterEntry.objects.get()
    draft = notices.notice_draft(
        open_survey,
        number="산업통상자원부 고시 제2026-31호",
        title="추가 지정",
        effective_on=date(2026, 6, 1),
        actor=admin,
    )
    removable = notices.notice_item_revoke(draft, entry=entry, actor=admin)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "association_staff": make_user("association_staff"),
        "ministry_liaison": make_user("ministry_liaison"),
        "observer": make_user(
            "observer",
            organization=Organization.objects.create(
                name="과학기술정보통신부", type=OrganizationType.MINISTRY, code="MSIT"
            ),
        ),
        "reviewer": add_reviewer(name="평가위원"),
        "secretary": secretary,
        "admin": admin,
    }
    return {
        "survey": open_survey,
        "closed": Resolution.objects.get(candidate=first).meeting,
        "open": open_meeting,
        "resolution": Resolution.objects.get(candidate=first),
        "published": published,
        "draft": draft,
        "item": NoticeItem.objects.get(notice=draft, candidate=second),
        "removable": removable,
        "entry": entry,
        "users": users,
    }


def _expected(role: str, name: str) -> int:
    who, method, _ = ROWS[name]
    if who == PUBLIC:
        return 200
    if role == "anonymous":
        return 302
    allowed = role == "admin" or (role == "secretary" and who == DELIBERATE)
    if not allowed:
        return 404
    return 302 if method == "post" else 200


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    wrong = []
    for name, (_who, method, kwargs) in ROWS.items():
        url = reverse(f"review:{name}", kwargs=kwargs(world))
        response = getattr(client, method)(url)
        expected = _expected(role, name)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {name}: {response.status_code}, expected {expected}")
        elif role == "anonymous" and expected == 302:
            target = urlsplit(response.url)
            if target.path != reverse("account_login") or "next=" not in target.query:
                wrong.append(f"{name}: redirected to {response.url}, not to the login")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["national_meeting_close", "notice_item_remove", "notice_publish"])
def test_the_state_changes_take_post_only(client, world, name):
    log_in(client, world["users"]["admin"])
    assert client.get(reverse(f"review:{name}", kwargs=ROWS[name][2](world))).status_code == 405
