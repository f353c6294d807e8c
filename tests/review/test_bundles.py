"""ZIP bundles: the ministry's filtered intake download and a reviewer's blind set, built by Celery, kept a week."""

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from review.enums import RenderStatus
from review.models import Bundle, PanelMember
from review.services import pool, reviewing
from review.services.bundles import (
    blind_bundle_request,
    bundle_build,
    bundles_expire,
    intake_bundle_request,
)
from review.tasks import expire_bundles
from surveys.models import AccessEvent, Application
from surveys.services import applications as applying
from surveys.services.intake import intake_accept
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401
from tests.factories import MINIMAL_PDF, make_user
from tests.review.helpers import add_reviewer, assign

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def _submitted(survey, user, answers, *, title, attachment=None):
    organization = user.memberships.get().organization
    application = applying.application_create(survey, organization=organization, actor=user)
    answers = {**answers, "basic": {**answers["basic"], "technology_name": title}}
    for section, data in answers.items():
        application = applying.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    if attachment:
        applying.attachment_add(application, upload=SimpleUploadedFile(attachment, PDF), actor=user)
    applying.application_submit(Application.objects.get(pk=application.pk), actor=user)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def filed(open_survey, applicant, complete_answers):  # noqa: F811
    other = make_user("applicant", manager=True)
    first = _submitted(open_survey, applicant, complete_answers, title="협동로봇 감속기", attachment="계획서.pdf")
    second = _submitted(open_survey, other, complete_answers, title="로봇 비전 센서")
    return first, second


def _zip(bundle) -> zipfile.ZipFile:
    with default_storage.open(bundle.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_intake_zip_holds_pdfs_and_attachments_per_field_and_receipt(filed, admin, open_survey):  # noqa: F811
    first, second = filed
    bundle = intake_bundle_request(open_survey, filters={"sort": "receipt"}, actor=admin)
    assert bundle_build(bundle.pk) == "built"
    bundle.refresh_from_db()
    assert bundle.status == RenderStatus.DONE and (bundle.done, bundle.total) == (2, 2)
    assert bundle.expires_at - bundle.requested_at >= timedelta(days=6, hours=23)
    archive = _zip(bundle)
    names = set(archive.namelist())
    assert f"ROB/{first.receipt_number}/{first.receipt_number}-v1.pdf" in names
    assert f"ROB/{first.receipt_number}/attachments/01-계획서.pdf" in names
    assert f"ROB/{second.receipt_number}/{second.receipt_number}-v1.pdf" in names
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {row["path"] for row in manifest} == names - {"manifest.csv"}
    for row in manifest:
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    assert archive.read(f"ROB/{first.receipt_number}/{first.receipt_number}-v1.pdf").startswith(b"%PDF")


def test_the_intake_zip_follows_the_intake_filters(filed, admin, open_survey):  # noqa: F811
    first, second = filed
    other_org = second.organization
    other_org.type = "research_institute"
    other_org.save()
    bundle = intake_bundle_request(open_survey, filters={"type": "company", "bogus": "x"}, actor=admin)
    assert bundle.filters == {"type": "company"}
    bundle_build(bundle.pk)
    bundle.refresh_from_db()
    assert bundle.application_ids == [first.pk]


def test_the_admin_downloads_through_the_pages_and_each_application_is_logged(
    client,
    filed,
    admin,
    open_survey,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly after the commit
        response = client.post(reverse("review:intake_bundle", kwargs={"pk": open_survey.pk}), {"status": ""})
    bundle = Bundle.objects.get()
    assert response["Location"] == reverse("review:bundle", kwargs={"pk": bundle.pk})
    status = client.get(reverse("review:bundle_status", kwargs={"pk": bundle.pk}))
    assert b'data-status="done"' in status.content and b"hx-get" not in status.content
    download = client.get(reverse("review:bundle_download", kwargs={"pk": bundle.pk}))
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None
    assert set(AccessEvent.objects.filter(action="bundle", user=admin).values_list("application_id", flat=True)) == {
        a.pk for a in filed
    }
    assert AuditEvent.objects.filter(action="review.bundle.downloaded", actor=admin).exists()


def test_a_running_bundle_polls_for_progress(client, admin, open_survey):  # noqa: F811
    bundle = intake_bundle_request(open_survey, filters={}, actor=admin)  # not built: on_commit never ran
    client.force_login(admin)
    page = client.get(reverse("review:bundle", kwargs={"pk": bundle.pk}))
    assert b'hx-trigger="every 2s"' in page.content
    assert client.get(reverse("review:bundle_download", kwargs={"pk": bundle.pk})).status_code == 404


def test_other_people_never_reach_a_bundle(client, filed, admin, open_survey, applicant):  # noqa: F811
    bundle = intake_bundle_request(open_survey, filters={}, actor=admin)
    bundle_build(bundle.pk)
    other_admin = make_user("admin")
    for user in (other_admin, applicant, make_user("secretary"), add_reviewer()):
        client.force_login(user)
        for name in ("review:bundle", "review:bundle_status", "review:bundle_download"):
            assert client.get(reverse(name, kwargs={"pk": bundle.pk})).status_code == 404, (user, name)
    client.force_login(applicant)
    assert client.post(reverse("review:intake_bundle", kwargs={"pk": open_survey.pk})).status_code == 404


def test_bundles_expire_after_a_week(filed, admin, open_survey, client):  # noqa: F811
    bundle = intake_bundle_request(open_survey, filters={}, actor=admin)
    bundle_build(bundle.pk)
    bundle.refresh_from_db()
    name = bundle.file.name
    assert bundles_expire() == 0
    Bundle.objects.filter(pk=bundle.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(admin)
    assert client.get(reverse("review:bundle_download", kwargs={"pk": bundle.pk})).status_code == 404
    assert expire_bundles() == 1
    assert not Bundle.objects.exists() and not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="review.bundle.expired").exists()


@pytest.fixture
def reviewer_on(filed, admin, open_survey):  # noqa: F811
    first, _second = filed
    accepted = intake_accept(first, actor=admin)
    reviewer = add_reviewer()
    PanelMember.objects.create(panel=pool.panel_for(open_survey, "ROB"), reviewer=reviewer)
    reviewing.pledge_sign(open_survey, reviewer=reviewer, signed_name=reviewer.name)
    assignment = reviewing.declare(assign(accepted.candidate, reviewer, admin), reviewer=reviewer, has_conflict=False)
    return reviewer, assignment, accepted


def test_the_blind_set_holds_the_redacted_copies_only(reviewer_on, open_survey):  # noqa: F811
    reviewer, assignment, accepted = reviewer_on
    bundle = blind_bundle_request(open_survey, actor=reviewer)
    assert bundle_build(bundle.pk) == "built"
    bundle.refresh_from_db()
    archive = _zip(bundle)
    number = assignment.candidate.number
    names = set(archive.namelist())
    assert f"{number}/{number}.pdf" in names
    assert f"{number}/{number}-1-1.pdf" in names  # the attachment under a neutral name
    assert not any("계획서" in name or accepted.receipt_number in name for name in names)
    assert bundle.application_ids == [accepted.pk]


def test_the_reviewer_dashboard_offers_the_blind_set(client, reviewer_on, open_survey):  # noqa: F811
    reviewer, _assignment, _accepted = reviewer_on
    client.force_login(reviewer)
    page = client.get(reverse("dashboard", kwargs={"role": "reviewer"}))
    assert reverse("review:blind_bundle", kwargs={"pk": open_survey.pk}).encode() in page.content


def test_a_blind_set_closes_when_an_assignment_ends(client, reviewer_on, open_survey, admin):  # noqa: F811
    reviewer, assignment, _accepted = reviewer_on
    bundle = blind_bundle_request(open_survey, actor=reviewer)
    bundle_build(bundle.pk)
    client.force_login(reviewer)
    assert client.get(reverse("review:bundle_download", kwargs={"pk": bundle.pk})).status_code == 200
    type(assignment).objects.filter(pk=assignment.pk).update(status="declined")
    assert client.get(reverse("review:bundle_download", kwargs={"pk": bundle.pk})).status_code == 404


def test_only_reviewers_with_readable_assignments_ask_for_a_blind_set(client, reviewer_on, open_survey, admin):  # noqa: F811
    url = reverse("review:blind_bundle", kwargs={"pk": open_survey.pk})
    for user in (add_reviewer(), admin, make_user("applicant")):
        client.force_login(user)
        assert client.post(url).status_code == 404
