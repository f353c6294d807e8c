"""Status moves follow APPLICATION_TRANSITIONS, the table, and nothing else."""

import pytest
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from surveys.enums import APPLICATION_TRANSITIONS, ApplicationAction, ApplicationStatus, Channel, ProvenanceKind
from surveys.models import Application, ApplicationEvent
from surveys.services import collection, intake
from surveys.services.workflow import application_transition
from tests.collection.helpers import organization_of

pytestmark = pytest.mark.django_db

S = ApplicationStatus
REFUSED = [(current, target) for current in S for target in S if target not in APPLICATION_TRANSITIONS[current]]
ALLOWED = [(current, target) for current in S for target in sorted(APPLICATION_TRANSITIONS[current])]


def _application(survey, applicant, status, **fields):
    return Application.objects.create(
        survey=survey,
        organization=organization_of(applicant),
        status=status,
        title="감속기",
        receipt_number="2030-ROB-0001",
        created_by=applicant,
        updated_by=applicant,
        **fields,
    )


def _state(application):
    row = Application.objects.get(pk=application.pk)
    return (
        row.status,
        row.revision,
        row.updated_at,
        ApplicationEvent.objects.count(),
        AuditEvent.objects.count(),
        OutboundMail.objects.count(),
    )


def test_the_table_names_every_status_and_only_statuses():
    assert set(APPLICATION_TRANSITIONS) == set(S)
    assert all(targets <= set(S) for targets in APPLICATION_TRANSITIONS.values())
    assert (S.DRAFT, S.ACCEPTED) in REFUSED and (S.ASSOCIATION_REVIEW, S.SUBMITTED) in REFUSED
    assert len(REFUSED) + len(ALLOWED) == len(S) ** 2


@pytest.mark.parametrize("current, target", REFUSED, ids=[f"{c.value}->{t.value}" for c, t in REFUSED])
def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(open_survey, applicant, current, target):
    application = _application(open_survey, applicant, current)
    before = _state(application)
    with pytest.raises(DomainError) as error:
        application_transition(application, to=target, actor=applicant, kind=ProvenanceKind.SUBMITTED)
    assert error.value.code == "transition"
    assert _state(application) == before


@pytest.mark.parametrize("current, target", ALLOWED, ids=[f"{c.value}->{t.value}" for c, t in ALLOWED])
def test_a_move_the_table_allows_is_made_with_provenance_and_audit(open_survey, applicant, current, target):
    application = _application(open_survey, applicant, current)
    application_transition(application, to=target, actor=applicant, kind=ProvenanceKind.SUBMITTED, note="메모")
    row = Application.objects.get(pk=application.pk)
    assert row.status == target
    assert row.revision == 1
    assert ApplicationEvent.objects.filter(application=row, kind=ProvenanceKind.SUBMITTED, note="메모").count() == 1
    audit = AuditEvent.objects.get(action=ApplicationAction.TRANSITION, object_id=str(row.pk))
    assert (audit.before, audit.after["status"]) == ({"status": current}, target)


def test_the_services_go_through_the_table(open_survey, applicant, admin, association, staff):
    submitted = _application(open_survey, applicant, S.SUBMITTED, channel=Channel.ASSOCIATION, association=association)
    with pytest.raises(DomainError):  # already with MOTIE: the association can no longer endorse it
        collection.association_endorse(submitted, association=association, actor=staff, opinion="추천")
    with pytest.raises(DomainError):
        collection.association_return(
            submitted, association=association, actor=staff, comment="보완", correction_due=None
        )
    Application.objects.filter(pk=submitted.pk).update(status=S.DUPLICATE)
    with pytest.raises(DomainError):
        intake.intake_return(submitted, actor=admin, reason="보완", correction_due=timezone.localdate())
    with pytest.raises(DomainError):
        intake.intake_accept(submitted, actor=admin)
    row = Application.objects.get(pk=submitted.pk)
    assert (row.status, row.revision, row.candidate_id) == (S.DUPLICATE, 0, None)
    assert not ApplicationEvent.objects.filter(application=row).exists()
