import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import demo
from portal.models import AssociationMembership, Membership, Organization, User

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # seeds the whole demo twice
def test_seed_demo_is_idempotent_and_prints_every_login(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert User.objects.count() == len(demo.USERS)
    assert Organization.objects.count() == len(demo.ORGANIZATIONS)
    assert Membership.objects.count() == len(demo.USERS)
    assert AssociationMembership.objects.filter(association__code="KAR").count() == 3
    for email, *_ in demo.USERS:
        assert email in out
    assert out.count("TOTP secret") == 2 * 5
    assert Organization.objects.get(code="KAR").name == "한국로봇산업협회"


def test_seed_demo_refuses_to_print_passwords_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.slow  # seeds the whole demo
def test_seed_demo_shows_every_kind_of_call_at_the_stages_a_newcomer_needs(settings):
    from review.models import DesignatedComplex, RegisterEntry, SelectionItem, SiteVisit
    from surveys.enums import SurveyKind, SurveyStage
    from surveys.models import Survey

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    calls = {(s.kind, s.stage) for s in Survey.objects.all()}
    assert {kind for kind, _stage in calls} == set(SurveyKind.values)
    assert (SurveyKind.TECHNOLOGY, SurveyStage.COLLECTION) in calls
    assert (SurveyKind.TECHNOLOGY, SurveyStage.NOTICE) in calls
    assert (SurveyKind.COMPLEX, SurveyStage.ADVISORY_REVIEW) in calls
    assert (SurveyKind.COMPLEX, SurveyStage.NOTICE) in calls
    assert (SurveyKind.INTERNATIONAL_RND, SurveyStage.COLLECTION) in calls
    assert (SurveyKind.INTERNATIONAL_RND, SurveyStage.NOTICE) in calls
    assert RegisterEntry.objects.count() == 2
    assert DesignatedComplex.objects.get().conditions == "2028년까지 공업용수 공급 확보"
    assert SiteVisit.objects.filter(candidate__survey__kind=SurveyKind.COMPLEX).count() == 1
    # the international R&D selection: three candidates over both categories, listed once however often it runs
    items = SelectionItem.objects.filter(notice__status="published")
    assert items.count() == 3 and {item.horizon_years for item in items} == {5, 10}
    assert Survey.objects.count() == 8
