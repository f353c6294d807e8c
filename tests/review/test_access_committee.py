"""Who may open the committee secretary's URLs: the secretary and the ministry admin; everyone else a 404."""

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.enums import OrganizationType
from portal.models import Organization
from review.enums import RenderStatus
from review.models import CommitteeBook
from surveys.enums import SurveyStage
from surveys.models import Survey
from tests.factories import MINIMAL_PDF, make_user
from tests.review.helpers import accept, accepted_candidate, add_reviewer, assign, log_in

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def _field(w):
    return {"pk": w["survey"].pk, "field_code": "ROB"}


def _book(w):
    return {**_field(w), "book_id": w["book"].pk}


#: url name → (method, kwargs from the world, status for the secretary and the admin)
ROWS = {
    "committee": ("get", lambda w: {"pk": w["survey"].pk}, 200),
    "committee_confirm": ("get", lambda w: {"pk": w["survey"].pk}, 200),
    "committee_field": ("get", _field, 200),
    "committee_scores": ("get", _field, 200),
    "committee_book": ("post", _field, 302),
    "committee_book_status": ("get", _book, 200),
    "committee_book_download": ("get", _book, 200),
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
def world(open_survey, applicant, complete_answers, admin, panel):
    candidate = accepted_candidate(open_survey, applicant, complete_answers, admin)
    reviewer = add_reviewer(panel, name="배정위원")
    accept(assign(candidate, reviewer, admin))
    Survey.objects.filter(pk=open_survey.pk).update(stage=SurveyStage.TECHNICAL_REVIEW)
    secretary = make_user("secretary")
    book = CommitteeBook.objects.create(
        survey=open_survey, field_code="ROB", requested_by=secretary, status=RenderStatus.DONE, done=1, total=1
    )
    book.file.save("book.pdf", ContentFile(PDF))
    msit = Organization.objects.create(name="과학기술정보통신부", type=OrganizationType.MINISTRY, code="MSIT")
    users = {
        "anonymous": None,
        "applicant": applicant,
        "association_staff": make_user("association_staff"),
        "ministry_liaison": make_user("ministry_liaison"),
        "observer": make_user("observer", organization=msit),
        "reviewer": reviewer,
        "secretary": secretary,
        "admin": admin,
    }
    return {"survey": open_survey, "book": book, "users": users}


@pytest.mark.parametrize("role", ROLES)
def test_the_committee_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    wrong = []
    for name, (method, kwargs, allowed) in ROWS.items():
        response = getattr(client, method)(reverse(f"review:{name}", kwargs=kwargs(world)))
        expected = 302 if role == "anonymous" else allowed if role in ("secretary", "admin") else 404
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {name}: {response.status_code}, expected {expected}")
        elif role == "anonymous":
            target = urlsplit(response.url)
            if target.path != reverse("account_login") or "next=" not in target.query:
                wrong.append(f"{name}: redirected to {response.url}, not to the login")
        elif expected == 302 and response.url != reverse("review:committee_field", kwargs=_field(world)):
            wrong.append(f"{name}: redirected to {response.url}")
    assert not wrong, "\n".join(wrong)


def test_the_book_is_made_by_post_only(client, world):
    log_in(client, world["users"]["secretary"])
    assert client.get(reverse("review:committee_book", kwargs=_field(world))).status_code == 405


def test_a_field_the_call_does_not_have_is_a_404(client, world):
    log_in(client, world["users"]["secretary"])
    kwargs = {"pk": world["survey"].pk, "field_code": "NOPE"}
    for name in ("committee_field", "committee_scores"):
        assert client.get(reverse(f"review:{name}", kwargs=kwargs)).status_code == 404


def test_a_book_of_another_call_is_a_404(client, world, admin):
    other = Survey.objects.create(
        title="다른 공고",
        description="-",
        code="OTH",
        opens_at=world["survey"].opens_at,
        deadline=world["survey"].deadline,
        created_by=admin,
    )
    log_in(client, world["users"]["secretary"])
    kwargs = {"pk": other.pk, "field_code": "ROB", "book_id": world["book"].pk}
    for name in ("committee_book_status", "committee_book_download"):
        assert client.get(reverse(f"review:{name}", kwargs=kwargs)).status_code == 404
