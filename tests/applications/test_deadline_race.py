"""Concurrent submits straddling the cutoff, on PostgreSQL: none accepted after, none refused before."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections

from portal.exceptions import DomainError
from surveys.models import Application, Survey
from surveys.services import applications as service

pytestmark = [
    pytest.mark.slow,  # concurrent sessions racing the deadline in real time
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent database sessions"),
]


def _db_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def test_concurrent_submits_around_the_deadline(open_survey, applicant, complete_answers):
    organization = applicant.memberships.get().organization
    applications = []
    for _ in range(24):
        application = service.application_create(open_survey, organization=organization, actor=applicant)
        for section, data in complete_answers.items():
            application = service.application_save_draft(
                application, section=section, data=data, revision=application.revision, actor=applicant
            )
        applications.append(application)
    deadline = _db_now() + timedelta(milliseconds=1200)
    Survey.objects.filter(pk=open_survey.pk).update(deadline=deadline)

    results = []
    lock = threading.Lock()
    start = threading.Barrier(len(applications))

    def submit(index, application):
        start.wait()
        time.sleep(index * 0.1)  # 0 … 2.3 s: spread across the cutoff
        try:
            application = Application.objects.get(pk=application.pk)
            try:
                version = service.application_submit(application, actor=applicant)
                outcome = ("accepted", version.submitted_at)
            except DomainError as error:
                outcome = (error.code, _db_now())
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i, a)) for i, a in enumerate(applications)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == len(applications)
    accepted = [when for outcome, when in results if outcome == "accepted"]
    refused = [(outcome, when) for outcome, when in results if outcome != "accepted"]
    assert accepted and refused, results
    assert all(when < deadline for when in accepted)
    assert all(outcome == "deadline" and when >= deadline for outcome, when in refused)
    assert Application.objects.filter(status="submitted").count() == len(accepted)
    numbers = sorted(Application.objects.exclude(receipt_number=None).values_list("receipt_number", flat=True))
    assert len(set(numbers)) == len(accepted)


def test_parallel_submits_of_one_application_make_one_version_and_say_it_is_being_submitted(
    open_survey, applicant, complete_answers
):
    organization = applicant.memberships.get().organization
    application = service.application_create(open_survey, organization=organization, actor=applicant)
    for section, data in complete_answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=applicant
        )
    revision = application.revision
    results = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def submit():
        start.wait()
        try:
            try:
                service.application_submit(
                    Application.objects.get(pk=application.pk), actor=applicant, revision=revision
                )
                outcome = "accepted"
            except DomainError as error:
                outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["accepted"] + ["busy"] * 5, results
    application.refresh_from_db()
    assert application.version_count == 1
    assert application.versions.count() == 1
