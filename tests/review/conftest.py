"""Fixtures for the review tests: the call, its panel, a candidate and reviewers."""

import pytest

from review.services.pool import panel_for
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import make_user
from tests.review.helpers import accepted_candidate, add_reviewer


@pytest.fixture
def panel(open_survey):
    return panel_for(open_survey, "ROB")


@pytest.fixture
def candidate(open_survey, applicant, complete_answers, admin):
    return accepted_candidate(open_survey, applicant, complete_answers, admin)


@pytest.fixture
def reviewers(panel):
    """Three outside experts on the robot panel, none with a conflict."""
    return [add_reviewer(panel, name=name) for name in ("김평가", "이심사", "박검토")]


@pytest.fixture
def secretary(db):
    return make_user("secretary", name="서간사")
