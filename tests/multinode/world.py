"""The data the multi-node test drives, made in the cluster's fresh database (run as a script).

``python -m tests.multinode.world COUNT`` with the cluster's DATABASE_URL: an applicant (no second factor
needed for the role) of one company, a technology call in collection and COUNT complete drafts of that
company, the first of them with answers long enough that its PDF takes seconds to render. Prints JSON.
"""

import json
import os
import sys


def main(count: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from portal.enums import OrganizationType
    from surveys.enums import SurveyKind, SurveyStage
    from surveys.models import Field, Question, Survey
    from surveys.services import applications as service
    from surveys.services.calls import survey_create
    from tests.applications.conftest import COMPLETE_ANSWERS
    from tests.factories import PASSWORD, make_user
    from tests.portal.test_faults import _long_answers

    admin = make_user("admin")
    applicant = make_user("applicant", manager=True)
    organization = applicant.memberships.get().organization
    survey = survey_create(
        data={
            "kind": SurveyKind.TECHNOLOGY,
            "title": "다중 노드 검증 수요조사",
            "description": "수요조사",
            "code": "MND",
            "eligible_types": [OrganizationType.COMPANY],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + timedelta(days=7),
        },
        fields=[Field.objects.get(code="ROB")],
        actor=admin,
    )
    question = Question.objects.create(
        survey=survey, order=1, type="number", label="연구개발 투자액 (억 원)", required=True
    )
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION)
    survey.refresh_from_db()
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    answers["criteria"] = {f"criterion_{c.number}": f"기준 {c.number}에 대한 근거" for c in survey.criteria.all()}
    answers["extra"] = {question.field_name: "35"}

    ids = []
    for index in range(count):
        application = service.application_create(survey, organization=organization, actor=applicant)
        for section, data in (_long_answers(answers) if index == 0 else answers).items():
            application = service.application_save_draft(
                application, section=section, data=data, revision=application.revision, actor=applicant
            )
        ids.append(application.pk)
    return {"email": applicant.email, "password": PASSWORD, "applications": ids}


if __name__ == "__main__":
    print("WORLD " + json.dumps(main(int(sys.argv[1]))))
