"""The public calls pages, file downloads, Korea-time deadlines, and guidance uploads."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from surveys.enums import SurveyStage
from surveys.models import Briefing, GuidanceFile
from surveys.pipelines import TECHNOLOGY
from tests.factories import MINIMAL_PDF, make_user
from tests.surveys.helpers import ko, make_survey

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def _guidance(survey, name="공고문.pdf"):
    guidance = GuidanceFile(survey=survey, title="수요조사 공고문", original_name=name, size=len(PDF))
    guidance.file.save(name, ContentFile(PDF), save=True)
    return guidance


def _briefing(survey):
    briefing = Briefing(
        survey=survey,
        starts_at=timezone.now() + timedelta(days=3),
        place="서울 aT센터",
        materials_name="설명회 자료.pdf",
    )
    briefing.materials.save("materials.pdf", ContentFile(PDF), save=True)
    return briefing


def _url(name, survey, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"pk": survey.pk, **kwargs})


def test_call_list_shows_only_published_calls(client):
    draft = make_survey(title="초안 상태의 공고")
    shown = [
        make_survey(stage=stage, title=f"공개된 공고 {stage.value}")
        for stage in TECHNOLOGY.stages
        if stage != SurveyStage.DRAFT
    ]
    for user in (None, make_user("applicant"), make_user("admin")):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(reverse("surveys:call_list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert draft.title not in html
        for survey in shown:
            assert survey.title in html
        assert list(response.context["surveys"]) == sorted(shown, key=lambda s: s.deadline, reverse=True)


@pytest.mark.parametrize("role", [None, "applicant", "association_staff", "ministry_liaison", "reviewer", "secretary"])
def test_draft_call_pages_and_files_are_404_for_the_public(client, role):
    draft = make_survey()
    guidance, briefing = _guidance(draft), _briefing(draft)
    if role:
        client.force_login(make_user(role))
    assert client.get(_url("call_detail", draft)).status_code == 404
    assert client.get(_url("guidance_download", draft, file_pk=guidance.pk)).status_code == 404
    assert client.get(_url("briefing_materials", draft, briefing_pk=briefing.pk)).status_code == 404


def test_admin_can_download_the_files_of_a_draft_call(admin_client):
    draft = make_survey()
    guidance, briefing = _guidance(draft), _briefing(draft)
    response = admin_client.get(_url("guidance_download", draft, file_pk=guidance.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert admin_client.get(_url("briefing_materials", draft, briefing_pk=briefing.pk)).status_code == 200


def test_guidance_download_is_an_attachment_never_sniffed(client):
    survey = make_survey(stage=SurveyStage.COLLECTION)
    guidance = _guidance(survey)
    response = client.get(_url("guidance_download", survey, file_pk=guidance.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('공고문.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_briefing_materials_download_as_an_attachment(client):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    briefing = _briefing(survey)
    response = client.get(_url("briefing_materials", survey, briefing_pk=briefing.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert quote("설명회 자료.pdf") in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_file_of_another_call_is_404(client):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    other = make_survey(stage=SurveyStage.DISTRIBUTION)
    guidance = _guidance(other)
    assert client.get(_url("guidance_download", survey, file_pk=guidance.pk)).status_code == 404


def test_briefing_without_materials_is_404(client):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    briefing = Briefing.objects.create(survey=survey, starts_at=timezone.now(), place="세종청사")
    assert client.get(_url("briefing_materials", survey, briefing_pk=briefing.pk)).status_code == 404


DEADLINE = datetime(2030, 5, 1, 9, 0, tzinfo=dt_timezone.utc)  # 18:00 in Korea


@pytest.mark.parametrize("view", ["call_list", "call_detail"])
def test_deadline_is_shown_in_korea_time_with_a_countdown(client, view):
    survey = make_survey(stage=SurveyStage.COLLECTION, deadline=DEADLINE, title="마감 시각 표시 공고")
    url = reverse("surveys:call_list") if view == "call_list" else _url("call_detail", survey)
    html = client.get(url).content.decode()
    assert re.search(r"2030-05-01 \(.+?\) 18:00 KST", html)
    assert "09:00 KST" not in html
    countdowns = re.findall(r'<span class="countdown[^"]*" data-deadline="([^"]+)"[^>]*>([^<]*)</span>', html)
    assert len(countdowns) == 1
    deadline, text = countdowns[0]
    assert datetime.fromisoformat(deadline) == DEADLINE
    assert text.strip() and text.strip() != ko("Closed")


def test_past_deadline_shows_closed_without_a_countdown(client):
    survey = make_survey(
        stage=SurveyStage.TECHNICAL_REVIEW,
        opens_at=timezone.now() - timedelta(days=30),
        deadline=timezone.now() - timedelta(days=1),
    )
    html = client.get(_url("call_detail", survey)).content.decode()
    assert "data-deadline" not in html
    assert ko("Closed") in html


def test_call_detail_shows_guidance_briefing_and_criteria(client):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION, contact="로봇산업과 044-203-0000")
    guidance, briefing = _guidance(survey), _briefing(survey)
    html = client.get(_url("call_detail", survey)).content.decode()
    assert _url("guidance_download", survey, file_pk=guidance.pk) in html
    assert _url("briefing_materials", survey, briefing_pk=briefing.pk) in html
    assert "서울 aT센터" in html and "로봇산업과 044-203-0000" in html
    for criterion in survey.criteria.all():
        assert criterion.title in html


# Guidance upload ------------------------------------------------------------------------


def _upload_guidance(client, survey, name, content):
    return client.post(_url("manage_guidance", survey), {"title": "공고문", "file": SimpleUploadedFile(name, content)})


def test_guidance_upload_accepts_a_real_pdf(admin_client, admin):
    survey = make_survey()
    response = _upload_guidance(admin_client, survey, "2030 수요조사 공고문.pdf", PDF)
    assert response.status_code == 302
    guidance = survey.guidance_files.get()
    assert guidance.original_name == "2030 수요조사 공고문.pdf" and guidance.size == len(PDF)
    assert AuditEvent.objects.for_object(guidance).get(action="surveys.guidance.added").actor == admin


def test_guidance_upload_refuses_html_renamed_pdf(admin_client):
    survey = make_survey()
    response = _upload_guidance(
        admin_client, survey, "공고문.pdf", b"<html><body><script>alert(1)</script></body></html>"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert (
        ko(
            "“%(name)s” is not really a %(type)s file (its content is %(detected)s).",
            name="공고문.pdf",
            type="PDF",
            detected="text/html",
        )
        in response.content.decode()
    )
    assert not GuidanceFile.objects.exists()


def test_guidance_upload_refuses_an_empty_file(admin_client):
    survey = make_survey()
    response = _upload_guidance(admin_client, survey, "공고문.pdf", b"")
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    html = response.content.decode()
    assert all(ko(error) in html for error in errors)
    assert not GuidanceFile.objects.exists()


def test_guidance_upload_refuses_an_executable_type(admin_client):
    survey = make_survey()
    response = _upload_guidance(admin_client, survey, "setup.exe", b"MZ\x90\x00")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not GuidanceFile.objects.exists()


def test_guidance_delete_removes_the_file(admin_client):
    survey = make_survey()
    guidance = _guidance(survey)
    response = admin_client.post(_url("manage_guidance_delete", survey, file_pk=guidance.pk))
    assert response.status_code == 302
    assert not GuidanceFile.objects.exists()
    assert AuditEvent.objects.filter(action="surveys.guidance.deleted", object_id=str(guidance.pk)).exists()
