"""A layer-2 panel member's pages, PDF and blind set name neither the applicants nor the layer-1 experts; the
judgement form; who may open the layer pages; the layer dashboard costs the same at 10 and 200 proposals."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.models import Assignment, LayerOutcome, PanelJudgement
from review.services import layers
from review.services.bundles import blind_bundle_request, bundle_build
from surveys.models import Candidate
from tests.factories import make_user
from tests.international.layers_world import (
    APPLICANTS,
    CONTACT,
    EXPERTS,
    international_world,
    into_layer2,
)
from tests.review.helpers import accept, log_in, pdf_text

pytestmark = pytest.mark.django_db

#: How a layer-1 expert appears to other experts; a later layer's member never reads it.
LAYER1_LABELS = ("평가위원 A", "평가위원 B", "Reviewer A", "Reviewer B")


@pytest.fixture
def secretary(db):
    return make_user("secretary", name="간사")


@pytest.fixture
def w(admin, secretary):
    world = international_world(admin)
    into_layer2(world, secretary)
    world.secretary = secretary
    world.mine = accept(Assignment.objects.filter(layer=2, candidate=world.first).order_by("pk").first())
    return world


def _leaks(text: str) -> list[str]:
    squeezed = "".join(text.split())
    return [
        name
        for name in (*APPLICANTS, CONTACT, *EXPERTS, *LAYER1_LABELS)
        if name in text or "".join(name.split()) in squeezed
    ]


def test_the_panel_members_pages_name_no_one(client, w):
    log_in(client, w.mine.reviewer)
    page = client.get(reverse("review:layer_judgement", kwargs={"pk": w.mine.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{w.first.number} 종합의견" in html and f"{w.first.number} 근거 1" in html  # layer 1's comments
    assert 'data-earlier-layer="1"' in html
    assert _leaks(html) == []
    # the assignment page sends the member to the judgement; the home dashboard lists it without names
    assert client.get(reverse("review:assignment", kwargs={"pk": w.mine.pk})).url == page.request["PATH_INFO"]
    assert _leaks(client.get(reverse("dashboard", kwargs={"role": "reviewer"})).content.decode()) == []
    # before the pledge and the declaration, the member's other assignment shows the declaration form: no names
    waiting = Assignment.objects.get(layer=2, reviewer=w.mine.reviewer, candidate=w.second)
    locked = client.get(reverse("review:assignment", kwargs={"pk": waiting.pk}))
    assert locked.status_code == 200 and _leaks(locked.content.decode()) == []
    pdf = client.get(reverse("review:review_pdf", kwargs={"pk": w.mine.pk}))
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert w.first.number.replace(" ", "") in text and _leaks(text) == []


def test_the_panel_members_blind_set_names_no_one(w):
    bundle = blind_bundle_request(w.call, actor=w.mine.reviewer)
    assert bundle_build(bundle.pk) == "built"
    bundle.refresh_from_db()
    with default_storage.open(bundle.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert f"{w.first.number}/{w.first.number}.pdf" in pdfs
    for name in pdfs:
        assert _leaks(pdf_text(archive.read(name))) == [], name


def test_layer_three_reads_layer_twos_votes_without_names(client, admin, secretary):
    from review.services import assignment as assigning
    from review.services import judgements
    from review.services.pool import panel_for
    from tests.review.helpers import add_reviewer

    world = international_world(admin, count=3)
    into_layer2(world, secretary)
    for assignment in Assignment.objects.filter(layer=2):
        assignment = accept(assignment)
        judgements.judgement_save(
            assignment,
            reviewer=assignment.reviewer,
            essential=True,
            essential_reason=f"필수 사유 {assignment.pseudonym}",
            submit=True,
        )
    layers.layer_close(world.layer2, actor=secretary)
    add_reviewer(panel_for(world.call, "SEM", 3), name="삼차위원")
    assigning.assign_automatically(world.call, actor=admin, layer=3)
    mine = accept(Assignment.objects.get(layer=3, candidate=world.first))
    assert mine.pseudonym == "3-A"
    log_in(client, mine.reviewer)
    html = client.get(reverse("review:layer_judgement", kwargs={"pk": mine.pk})).content.decode()
    assert 'data-earlier-layer="1"' in html and 'data-earlier-layer="2"' in html and "필수 사유" in html
    assert "검증위원0" not in html and "검증위원1" not in html and _leaks(html) == []


def test_the_judgement_form_keeps_the_input_and_explains_in_korean(client, w):
    log_in(client, w.mine.reviewer)
    url = reverse("review:layer_judgement", kwargs={"pk": w.mine.pk})
    response = client.post(
        url,
        {
            "action": "submit",
            "essential": "",
            "essential_reason": "",
            "adjustment": "1",
            "adjustment_reason": "",
            "comment": "남겨둘 의견",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "남겨둘 의견" in html
    assert "순위 조정 사유를 입력하세요." in html
    response = client.post(
        url, {"action": "submit", "essential": "", "essential_reason": "", "adjustment": "0", "comment": "남겨둘 의견"}
    )
    assert response.status_code == 400 and "남겨둘 의견" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "submit",
            "essential": "yes",
            "essential_reason": "해외 검증 설비",
            "adjustment": "9",
            "adjustment_reason": "큼",
        },
    )
    assert response.status_code == 400 and "해외 검증 설비" in response.content.decode()
    assert "최대 2순위까지만" in response.content.decode()
    response = client.post(
        url, {"action": "submit", "essential": "yes", "essential_reason": "해외 검증 설비", "adjustment": "abc"}
    )
    assert response.status_code == 400
    assert not PanelJudgement.objects.filter(assignment=w.mine, submitted_at__isnull=False).exists()
    response = client.post(
        url,
        {
            "action": "submit",
            "essential": "yes",
            "essential_reason": "해외 검증 설비",
            "adjustment": "-1",
            "adjustment_reason": "파트너 역량 부족",
        },
    )
    assert response.status_code == 302
    judgement = PanelJudgement.objects.get(assignment=w.mine)
    assert (judgement.essential, judgement.adjustment, judgement.submitted_at is not None) == (True, -1, True)


def test_others_get_a_404_on_the_panel_pages(client, w):
    url = reverse("review:layer_judgement", kwargs={"pk": w.mine.pk})
    other_member = Assignment.objects.filter(layer=2).exclude(reviewer=w.mine.reviewer).first().reviewer
    for user in (w.experts[0], other_member, w.applicant, make_user("reviewer")):
        log_in(client, user)
        assert client.get(url).status_code == 404, user
    layer1 = Assignment.objects.filter(layer=1, reviewer=w.experts[0]).first()
    log_in(client, w.experts[0])
    assert client.get(reverse("review:layer_judgement", kwargs={"pk": layer1.pk})).status_code == 404
    for name in ("review:layers", "review:layers_setup"):
        for user in (w.experts[0], w.mine.reviewer, w.applicant):
            log_in(client, user)
            assert client.get(reverse(name, kwargs={"pk": w.call.pk})).status_code == 404


def test_the_secretary_closes_and_explains_a_layer(client, w):
    log_in(client, w.secretary)
    dashboard = reverse("review:layers", kwargs={"pk": w.call.pk})
    assert dashboard in client.get(reverse("dashboard", kwargs={"role": "secretary"})).content.decode()
    close = reverse("review:layer_close", kwargs={"pk": w.call.pk, "number": 2})
    refused = client.post(close, follow=True).content.decode()
    assert "2차 평가를 마감할 수 없습니다" in refused and w.first.number in refused
    assert not LayerOutcome.objects.filter(layer=w.layer2).exists()
    page = client.get(dashboard).content.decode()
    assert w.first.number in page and 'data-layer-summary="2"' in page
    for assignment in Assignment.objects.filter(layer=2):
        from review.services import judgements

        assignment = accept(assignment) if assignment.status == "assigned" else assignment
        judgements.judgement_save(
            assignment, reviewer=assignment.reviewer, essential=True, essential_reason="필수", submit=True
        )
    assert client.post(close).status_code == 302
    assert LayerOutcome.objects.filter(layer=w.layer2).count() == 2
    computed = client.get(reverse("review:layer_computed", kwargs={"pk": w.call.pk, "number": 1})).content.decode()
    assert 'data-testid="layer-rules"' in computed and w.first.number in computed and _leaks(computed) == []
    computed = client.get(reverse("review:layer_computed", kwargs={"pk": w.call.pk, "number": 2})).content.decode()
    assert "2:0" in computed and _leaks(computed) == []


def _candidates(call, size):
    start = Candidate.objects.filter(survey=call).count()
    Candidate.objects.bulk_create(
        Candidate(survey=call, number=f"IRD-{index + 1:04d}", title=f"국제협력 후보 {index + 1}", field_code="SEM")
        for index in range(start, size)
    )


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_layer_dashboard_does_not_grow_with_proposals(client, w):
    log_in(client, w.secretary)
    url = reverse("review:layers", kwargs={"pk": w.call.pk})
    _candidates(w.call, 10)
    small, html = _count(client, url)
    assert html.count("data-candidate=") == 10
    _candidates(w.call, 200)
    large, html = _count(client, url)
    assert html.count("data-candidate=") == 200
    assert large == small, f"{small} queries at 10 proposals, {large} at 200"
    computed = reverse("review:layer_computed", kwargs={"pk": w.call.pk, "number": 1})
    small, _html = _count(client, computed)
    assert small < 15
