"""Faults on real parts: Redis stopped during submissions, a Celery worker killed in the middle of a PDF."""

import hashlib
import os
import shutil
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from portal.enums import ArtefactStatus, MailStatus
from portal.models import AuditEvent, OutboundMail
from surveys.enums import ApplicationAction
from surveys.models import Application, ApplicationVersion
from surveys.services import applications as service
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.portal.conftest import wait_for

pytestmark = [
    pytest.mark.slow,  # starts real Celery workers and Redis servers, and kills them
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _complete_draft(survey, user, answers):
    from tests.review.helpers import organization_of

    application = service.application_create(survey, organization=organization_of(user), actor=user)
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def survey_and_users(open_survey, complete_answers):
    from tests.factories import make_user

    return open_survey, [make_user("applicant", manager=True) for _ in range(3)], complete_answers


def test_submissions_commit_while_redis_is_down_and_finish_when_it_returns(
    own_redis, workers, survey_and_users, tmp_path, smtp_sink
):
    survey, applicants, answers = survey_and_users
    sink, port = smtp_sink
    worker = workers(own_redis.url, tmp_path / "media", email_url=f"smtp://127.0.0.1:{port}")
    drafts = [_complete_draft(survey, user, answers) for user in applicants]

    own_redis.stop()
    started = time.monotonic()
    versions = [service.application_submit(draft, actor=user) for draft, user in zip(drafts, applicants)]
    assert time.monotonic() - started < 30, "a submission waited too long for the broker"
    assert ApplicationVersion.objects.filter(pk__in=[v.pk for v in versions]).count() == 3
    assert set(Application.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)) == {
        "submitted"
    }
    assert not ApplicationVersion.objects.filter(pk__in=[v.pk for v in versions]).exclude(pdf="").exists()
    queued = OutboundMail.objects.filter(template="application_submitted")
    assert queued.count() == 3 and set(queued.values_list("status", flat=True)) == {MailStatus.QUEUED}

    assert set(
        ApplicationVersion.objects.filter(pk__in=[v.pk for v in versions]).values_list("pdf_status", flat=True)
    ) == {ArtefactStatus.PENDING}

    own_redis.start()
    assert wait_for(lambda: worker.saw("Connected to redis"), 60), "".join(worker.lines[-20:])
    from portal.tasks import artefacts_requeue, mail_requeue_stale

    assert artefacts_requeue() == 0  # not stale yet: nothing is queued twice
    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=True):
        assert artefacts_requeue() == 3
        assert artefacts_requeue() == 0  # the rows were stamped as queued again
        assert mail_requeue_stale() == 3
    assert wait_for(lambda: not ApplicationVersion.objects.filter(pdf="").exists(), 90), "".join(worker.lines[-30:])
    assert wait_for(lambda: set(queued.values_list("status", flat=True)) == {MailStatus.SENT}, 60)
    assert wait_for(lambda: len(sink.messages) == 3, 30)
    assert AuditEvent.objects.filter(action=ApplicationAction.PDF_RENDERED).count() == 3
    assert set(ApplicationVersion.objects.values_list("pdf_status", flat=True)) == {ArtefactStatus.READY}


def _long_answers(answers):
    """Every free-text answer near its limit: a PDF of dozens of pages that takes seconds to render."""
    sentence = "고정밀 감속기의 치형 연삭 공정과 백래시 보정 알고리즘에 관한 상세 설명입니다. "

    def fill(limit):
        return (sentence * (limit // len(sentence) + 1))[: limit - 10]

    long = {key: dict(values) for key, values in answers.items()}
    long["criteria"] = {key: fill(4000) for key in answers["criteria"]}
    long["basic"]["summary"] = fill(2000)
    long["level"]["holders"] = fill(4000)
    long["economy"].update(employment_effect=fill(4000), supply_chain_dependency=fill(4000))
    long["specification"]["products"] = fill(4000)
    return long


def test_a_worker_killed_in_the_middle_of_a_pdf_leaves_exactly_one_pdf(own_redis, workers, survey_and_users, tmp_path):
    survey, applicants, answers = survey_and_users
    media = tmp_path / "media"
    first = workers(own_redis.url, media)
    draft = _complete_draft(survey, applicants[0], _long_answers(answers))
    version = service.application_submit(draft, actor=applicants[0])

    assert wait_for(lambda: first.saw("render_version_pdf") and first.saw("received"), 30), "".join(first.lines)
    time.sleep(0.5)
    first.kill()
    version.refresh_from_db()
    assert version.pdf == "", "the PDF was finished before the worker was killed; make the document longer"

    second = workers(own_redis.url, media)
    from surveys.tasks import render_missing_pdfs

    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True):
        assert render_missing_pdfs() == 1
    assert wait_for(lambda: ApplicationVersion.objects.get(pk=version.pk).pdf != "", 120), "".join(second.lines[-30:])
    render_missing_pdfs.apply()  # a late duplicate finds the PDF done
    time.sleep(1)
    version.refresh_from_db()
    files = list((media / "surveys" / "receipts").rglob("*.pdf"))
    assert len(files) == 1, files
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == version.pdf_sha256
    assert AuditEvent.objects.filter(action=ApplicationAction.PDF_RENDERED).count() == 1


# -- every generated file survives a broker outage: the request succeeds, the row waits, the beat renders it ---------

from tests.review.conftest import panel, reviewers, secretary  # noqa: E402,F401 (fixtures)
from tests.review.test_committee import blind_world  # noqa: E402,F401 (fixture)


def _beat_after_timeout():
    """The beat's task past the timeout (the receipt PDF of the fixture's application may be waiting too)."""
    from portal.tasks import artefacts_requeue

    assert artefacts_requeue() == 0, "queued again before its timeout"
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=True):
        assert artefacts_requeue() >= 1
        assert artefacts_requeue() == 0


def test_a_notice_published_while_redis_is_down_gets_its_pdf_when_it_returns(
    own_redis, workers, open_survey, applicant, complete_answers, admin, secretary, client, tmp_path
):
    from django.urls import reverse

    from review.enums import NoticeStatus
    from review.models import Notice
    from tests.review.helpers import accepted_candidate, log_in
    from tests.review.national_world import designated_notice

    notice = designated_notice(
        open_survey,
        [accepted_candidate(open_survey, applicant, complete_answers, admin)],
        secretary=secretary,
        admin=admin,
    )
    worker = workers(own_redis.url, tmp_path / "media")
    own_redis.stop()
    log_in(client, admin)
    started = time.monotonic()
    response = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert time.monotonic() - started < 30, "publishing waited too long for the broker"
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.pdf == ""
    assert notice.pdf_status == ArtefactStatus.PENDING and notice.pdf_requested_at is not None

    own_redis.start()
    assert wait_for(lambda: worker.saw("Connected to redis"), 60), "".join(worker.lines[-20:])
    _beat_after_timeout()
    assert wait_for(lambda: Notice.objects.get(pk=notice.pk).pdf_status == ArtefactStatus.READY, 90), "".join(
        worker.lines[-30:]
    )
    notice.refresh_from_db()
    assert notice.pdf and notice.pdf_attempts == 1


def test_a_committee_book_requested_while_redis_is_down_is_rendered_when_it_returns(
    own_redis, workers, open_survey, secretary, blind_world, client, tmp_path
):
    from django.urls import reverse

    from review.enums import RenderStatus
    from review.models import CommitteeBook
    from tests.review.helpers import log_in

    worker = workers(own_redis.url, tmp_path / "media")
    own_redis.stop()
    log_in(client, secretary)
    url = reverse("review:committee_book", kwargs={"pk": open_survey.pk, "field_code": "ROB"})
    started = time.monotonic()
    response = client.post(url)
    assert time.monotonic() - started < 30, "the request waited too long for the broker"
    assert response.status_code == 302
    book = CommitteeBook.objects.get()
    assert book.status == RenderStatus.QUEUED and book.attempts == 0
    assert client.post(url).status_code == 302 and CommitteeBook.objects.count() == 1  # the waiting book is reused

    own_redis.start()
    assert wait_for(lambda: worker.saw("Connected to redis"), 60), "".join(worker.lines[-20:])
    _beat_after_timeout()
    assert wait_for(lambda: CommitteeBook.objects.get(pk=book.pk).status == RenderStatus.DONE, 90), "".join(
        worker.lines[-30:]
    )
    book.refresh_from_db()
    assert book.file and book.attempts == 1
    assert client.post(url).status_code == 302 and CommitteeBook.objects.count() == 2  # a new book may be asked for


def test_a_committee_book_stuck_past_the_timeout_is_queued_again_when_asked_for(
    own_redis, workers, open_survey, secretary, blind_world, client, tmp_path
):
    """A book left queued by an outage does not block the secretary: asking again queues it again."""
    from django.urls import reverse

    from review.enums import RenderStatus
    from review.models import CommitteeBook
    from tests.review.helpers import log_in

    own_redis.stop()
    log_in(client, secretary)
    url = reverse("review:committee_book", kwargs={"pk": open_survey.pk, "field_code": "ROB"})
    assert client.post(url).status_code == 302
    book = CommitteeBook.objects.get()
    own_redis.start()
    worker = workers(own_redis.url, tmp_path / "media")
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=True):
        assert client.post(url).status_code == 302
    assert CommitteeBook.objects.count() == 1
    assert wait_for(lambda: CommitteeBook.objects.get(pk=book.pk).status == RenderStatus.DONE, 90), "".join(
        worker.lines[-30:]
    )
