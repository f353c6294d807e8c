import pytest
from review.services import assignment as assigning
from tests.review.test_assignment import *  # noqa
from tests.review.test_assignment import test_automatic_assignment_is_conflict_free_unique_bounded_and_balanced as prop

orig = assigning.conflict_reason

def test_mutant_ignores_conflicts(monkeypatch, open_survey, admin, world):
    monkeypatch.setattr(assigning, "conflict_reason", lambda r, f, declared=None: None if declared is not None else orig(r, f))
    with pytest.raises(Exception) as e:
        prop(open_survey, admin, world)
    print("CAUGHT", type(e.value).__name__, str(e.value)[:200])

def test_mutant_unbalanced(monkeypatch, open_survey, admin, world):
    from django.db.models import QuerySet
    orig_order = QuerySet.order_by
    def order_by(self, *fields):
        if fields == ("load", "pk"):
            fields = ("-pk",)
        return orig_order(self, *fields)
    monkeypatch.setattr(QuerySet, "order_by", order_by)
    with pytest.raises(Exception) as e:
        prop(open_survey, admin, world)
    print("CAUGHT", type(e.value).__name__, str(e.value)[:300])
