"""Every named URL of the portal × every role, with the answer each role gets.

A URL name without a row in ``MATRIX`` fails ``test_every_url_has_a_row``, so a new view cannot ship without
deciding who may open it. Anonymous visitors are sent to the login page (``LOGIN``), the roles that may not see a
page get a 404, the permitted ones the page's real answer. POST rows send an empty body: invalid forms answer 400,
actions redirect (302).

A key may carry a label in brackets (``surveys:application_detail[ministry]``) for a second object behind the same
URL name whose audience differs.
"""

from typing import Callable, NamedTuple
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.site.world import ANONYMOUS, ROLES

# The site-wide sweeps share one world that takes half a minute to build: make test runs them, make test-fast does not.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LOGIN = "login"  # a 302 to the login page, with ``next=`` pointing back

#: URL names that belong to third-party apps, not to the portal: their access rules are the libraries' own.
#: - allauth (``account_*``, ``mfa_*``, ``socialaccount_*``): sign-in, sign-out, password and second-factor
#:   screens, open to whoever is signing in;
#: - the Django admin (namespace ``admin``), which has its own staff check;
#: - static and media file serving (unnamed patterns, present only with DEBUG).
THIRD_PARTY_PREFIXES = ("account_", "mfa_", "socialaccount_")
THIRD_PARTY_NAMESPACES = ("admin",)
THIRD_PARTY_MODULES = ("allauth.",)


class Row(NamedTuple):
    kwargs: Callable  # world → URL kwargs
    method: str
    expected: dict  # role → status, or LOGIN
    data: Callable = lambda w: {}  # world → query string (GET) or form body (POST)


# -- expectation builders: each returns a value for every one of the ten roles --------------------------------------


def each(status, **overrides) -> dict:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: overrides.get(role, status) for role in ROLES}


def public(status=200) -> dict:
    """Anyone, signed in or not."""
    return each(status)


def signed_in(status=200) -> dict:
    """Every signed-in role; the anonymous log in first."""
    return each(status, **{ANONYMOUS: LOGIN})


def only(status, *roles) -> dict:
    """The named roles get ``status``; the anonymous log in first; everyone else a 404."""
    return each(404, **{ANONYMOUS: LOGIN}, **{role: status for role in roles})


def admin_only(status=200) -> dict:
    return only(status, "admin")


def deliberators(status=200) -> dict:
    """The committee secretary and the ministry admin."""
    return only(status, "secretary", "admin")


def nobody() -> dict:
    """Signed in or not, no role may open it (a closed object)."""
    return only(404)


# -- URL kwargs from the world ---------------------------------------------------------------------------------------


def none(w):
    return {}


def call(w):
    return {"pk": w.call.pk}


def late(w):
    return {"pk": w.late.pk}


def late_field(w):
    return {"pk": w.late.pk, "field_code": "ROB"}


def book(w):
    return {**late_field(w), "book_id": w.book.pk}


def a_app(w):
    return {"pk": w.a_app.pk}


def pk(attribute: str):
    """``{"pk": world.<attribute>.pk}``; dotted paths allowed."""

    def kwargs(w):
        value = w
        for part in attribute.split("."):
            value = getattr(value, part)
        return {"pk": value if isinstance(value, int) else value.pk}

    return kwargs


def get(kwargs, expected, data=lambda w: {}) -> Row:
    return Row(kwargs, "get", expected, data)


def post(kwargs, expected, data=lambda w: {}) -> Row:
    return Row(kwargs, "post", expected, data)


APPLICANT_A = ("applicant_a",)
#: A's own application: its members, and MOTIE reads it.
A_AND_MOTIE = ("applicant_a", "admin")
FILERS = ("applicant_a", "applicant_b", "association_staff", "ministry_liaison")

MATRIX: dict[str, Row] = {
    # -- portal ------------------------------------------------------------------------------------------------------
    "home": get(none, each(302, **{ANONYMOUS: 200})),  # a single-role user goes on to their dashboard
    "dashboard": get(lambda w: {"role": "applicant"}, only(200, "applicant_a", "applicant_b")),
    "healthz": get(none, public()),
    "verify": get(none, public()),
    "verify[upload]": post(none, public(400)),  # an empty upload: the form's message, for anyone
    # The test client comes from 127.0.0.1, a default METRICS_ALLOWED_IPS address; from elsewhere only
    # superusers and ministry admins get it (tests/portal/test_metrics.py).
    "metrics": get(none, public()),
    "signup_request": get(none, each(302, **{ANONYMOUS: 200})),  # the signed-in have an account already
    "signup_done": get(none, public()),
    "manage_signup_list": get(none, admin_only()),
    "manage_signup_detail": get(pk("signup"), admin_only()),
    "manage_user_list": get(none, admin_only()),
    "manage_membership_revoke": post(pk("spare_membership"), admin_only(302)),
    "manage_audit_list": get(none, admin_only()),
    "organization_members": get(pk("org_a"), only(200, "applicant_a", "admin")),  # A's manager and MOTIE
    "organization_member_revoke": post(
        lambda w: {"pk": w.org_a.pk, "membership_pk": w.member_membership.pk}, only(302, "applicant_a", "admin")
    ),
    "set_language": post(none, public(302)),
    # -- portal: the inbox and one's own settings --------------------------------------------------------------------
    "notification_inbox": get(none, signed_in()),
    "notification_open": get(pk("notification"), only(302, *APPLICANT_A)),  # to what it is about
    "notification_read": post(pk("notification"), only(302, *APPLICANT_A)),
    "notifications_read_all": post(none, signed_in(302)),  # one's own only
    "user_settings": get(none, signed_in()),
    "calendar_token": post(none, signed_in(302)),  # no action chosen: back to the settings with a message
    # -- surveys: the public call pages ------------------------------------------------------------------------------
    "surveys:call_list": get(none, public()),
    "surveys:call_detail": get(call, public()),
    "surveys:guidance_download": get(lambda w: {"pk": w.call.pk, "file_pk": w.guidance.pk}, public()),
    "surveys:manage_categories": get(pk("rnd_call"), admin_only()),
    "surveys:manage_categories[technology]": get(call, nobody()),  # only international R&D calls have categories
    "surveys:briefing_materials": get(lambda w: {"pk": w.call.pk, "briefing_pk": w.briefing.pk}, public()),
    # organisations that file may sign up (sign-up is closed here: the refusal is a message and a redirect)
    "surveys:briefing_signup": post(
        lambda w: {"pk": w.call.pk, "briefing_pk": w.briefing.pk},
        only(302, "applicant_a", "applicant_b", "association_staff", "ministry_liaison"),
    ),
    # filing organisations ask (read-only MSIT does not): an empty question is a 400
    "surveys:ask_question": post(call, only(400, *FILERS)),
    "surveys:call_calendar": get(call, public()),
    "surveys:call_form_pdf": get(call, public()),  # the blank form, for drafting offline
    # the feed's secret token is the key, whoever holds it (a revoked or unknown one is a 404: tests/surveys)
    "surveys:calendar_feed": get(lambda w: {"token": w.calendar_token}, public()),
    # -- surveys: the ministry admin's call screens ------------------------------------------------------------------
    "surveys:manage_list": get(none, admin_only()),
    "surveys:manage_new": get(none, admin_only()),
    "surveys:manage_detail": get(call, admin_only()),
    "surveys:manage_edit": get(call, admin_only()),
    "surveys:manage_criteria": get(call, admin_only()),
    "surveys:manage_questions": get(call, admin_only()),
    "surveys:manage_guidance": get(call, admin_only()),
    "surveys:manage_guidance_delete": post(lambda w: {"pk": w.call.pk, "file_pk": w.guidance.pk}, admin_only(302)),
    "surveys:manage_briefing_new": get(call, admin_only()),
    "surveys:manage_briefing_edit": get(lambda w: {"pk": w.call.pk, "briefing_pk": w.briefing.pk}, admin_only()),
    "surveys:manage_preview": get(call, admin_only()),
    "surveys:manage_stage": post(call, admin_only(400)),  # no stage chosen
    "surveys:manage_recipients": get(call, admin_only()),
    "surveys:manage_recipients_import": post(call, admin_only(400)),  # no file
    "surveys:manage_invitations": post(call, admin_only(302)),
    "surveys:manage_invitation_resend": post(
        lambda w: {"pk": w.call.pk, "recipient_pk": w.recipient.pk}, admin_only(302)
    ),
    # the decline link of an invitation: the signed token is the permission (the invited may have no account)
    "surveys:invitation_decline": get(lambda w: {"token": w.recipient.decline_token}, public()),
    "surveys:manage_inquiries": get(call, admin_only()),
    "surveys:manage_inquiry_answer": get(lambda w: {"pk": w.call.pk, "inquiry_pk": w.inquiry.pk}, admin_only()),
    "surveys:manage_extensions": get(call, admin_only()),
    "surveys:access_log": get(none, admin_only()),
    # -- surveys: applications ---------------------------------------------------------------------------------------
    "surveys:application_start": post(call, only(302, *FILERS)),  # each files for its own organisation
    "surveys:application_list": get(none, signed_in()),  # everyone's own list
    "surveys:application_detail": get(a_app, only(200, *A_AND_MOTIE)),
    "surveys:application_detail[association]": get(
        pk("c_app"), only(200, "association_staff", "admin")
    ),  # C's, through the association
    "surveys:application_detail[ministry]": get(
        pk("m_app"), only(200, "ministry_liaison", "msit_readonly", "admin")
    ),  # MSIT co-receives
    "surveys:application_edit": get(lambda w: {"pk": w.a_app.pk, "section": "basic"}, only(200, *APPLICANT_A)),
    "surveys:application_attachments": get(a_app, only(200, *APPLICANT_A)),
    "surveys:attachment_remove": post(
        lambda w: {"pk": w.a_app.pk, "attachment_pk": w.attachment.pk}, only(302, *APPLICANT_A)
    ),
    "surveys:attachment_download": get(
        lambda w: {"pk": w.a_app.pk, "attachment_pk": w.attachment.pk}, only(200, *A_AND_MOTIE)
    ),
    "surveys:application_review": get(a_app, only(200, *APPLICANT_A)),
    "surveys:application_submit": post(a_app, only(302, *APPLICANT_A)),
    "surveys:application_withdraw": post(a_app, only(302, *APPLICANT_A)),
    "surveys:version_detail": get(lambda w: {"pk": w.a_app.pk, "number": 1}, only(200, *A_AND_MOTIE)),
    "surveys:version_pdf": get(lambda w: {"pk": w.a_app.pk, "number": 1}, only(200, *A_AND_MOTIE)),
    "surveys:version_diff": get(a_app, only(200, *A_AND_MOTIE), data=lambda w: {"a": 1, "b": 1}),
    "surveys:application_record_pdf": get(a_app, only(200, *A_AND_MOTIE)),
    "surveys:application_draft_pdf": get(a_app, only(200, *APPLICANT_A)),  # its own filers only
    # -- surveys: the association's collection -----------------------------------------------------------------------
    "surveys:collection_dashboard": get(call, only(200, "association_staff")),
    "surveys:collection_forward": post(call, only(400, "association_staff")),  # nothing chosen
    "surveys:collection_deadline": post(call, only(400, "association_staff")),  # no date
    "surveys:collection_application": get(pk("c_app"), only(200, "association_staff")),
    # -- surveys: MOTIE's intake -------------------------------------------------------------------------------------
    "surveys:intake_list": get(call, admin_only()),
    "surveys:intake_application": get(lambda w: {"pk": w.call.pk, "application_pk": w.m_app.pk}, admin_only()),
    "surveys:intake_candidates": get(call, admin_only()),
    # -- review: the reviewers -------------------------------------------------------------------------------------
    "review:pledge": get(call, only(200, "reviewer_assigned", "reviewer_conflicted")),  # both were asked
    "review:pledge[unsigned]": get(pk("reviewing"), only(200, "reviewer_assigned")),
    "review:assignment": get(pk("assignment"), only(200, "reviewer_assigned")),
    "review:assignment[conflicted]": get(pk("conflicted_assignment"), nobody()),  # ended by the conflict
    "review:assignment[undeclared]": get(pk("undeclared"), only(200, "reviewer_assigned")),  # the declaration form
    "review:attachment": get(
        lambda w: {"pk": w.assignment.pk, "attachment_id": w.review_attachment_id}, only(200, "reviewer_assigned")
    ),
    "review:attachment[conflicted]": get(
        lambda w: {"pk": w.conflicted_assignment.pk, "attachment_id": w.review_attachment_id}, nobody()
    ),
    "review:review_pdf": get(pk("assignment"), only(200, "reviewer_assigned")),
    "review:review_pdf[conflicted]": get(pk("conflicted_assignment"), nobody()),
    "review:exclusions": get(a_app, only(200, *APPLICANT_A)),
    "review:exclusion_remove": post(
        lambda w: {"pk": w.a_app.pk, "exclusion_pk": w.exclusion.pk}, only(302, *APPLICANT_A)
    ),
    # -- review: the ministry admin's review screens -----------------------------------------------------------------
    "review:overview": get(call, admin_only()),
    "review:auto_assign": post(call, admin_only(302)),
    "review:panel": get(lambda w: {"pk": w.call.pk, "field_code": "ROB"}, admin_only()),
    "review:candidate_assign": get(pk("candidate"), admin_only()),
    "review:aggregate": get(pk("candidate"), deliberators()),  # the secretary sees scores too
    # the complex plan's advisory panel: its assigned member, the secretary and the admin
    "review:site_visits": get(pk("plan"), only(200, "reviewer_assigned", "secretary", "admin")),
    "review:site_visit_photo": get(pk("site_photo"), only(200, "reviewer_assigned", "secretary", "admin")),
    "review:search": get(none, deliberators(), data=lambda w: {"q": "로봇"}),  # each sees only what they may open
    "review:statistics": get(none, admin_only()),
    # -- review: an international R&D call's evaluation layers --------------------------------------------------------
    "review:layers_setup": get(pk("rnd_call"), deliberators()),
    "review:layers_setup[technology]": get(call, nobody()),  # only international R&D calls have layers
    "review:layers_setup[post]": post(pk("rnd_call"), deliberators(400)),  # an empty form is refused
    "review:layers": get(pk("rnd_panel"), deliberators()),
    "review:layers[technology]": get(call, nobody()),
    "review:layer_computed": get(lambda w: {"pk": w.rnd_panel.pk, "number": 1}, deliberators()),
    "review:layer_close": post(lambda w: {"pk": w.rnd_panel.pk, "number": 2}, deliberators(302)),  # refused: open
    "review:layer_assign": post(lambda w: {"pk": w.rnd_panel.pk, "number": 2}, admin_only(302)),
    "review:layer_panel": get(lambda w: {"pk": w.rnd_panel.pk, "layer": 2, "field_code": "SEM"}, admin_only()),
    "review:layer_judgement": get(pk("panel_assignment"), only(200, "reviewer_assigned")),
    "review:layer_judgement[layer 1]": get(pk("assignment"), nobody()),  # a layer-1 expert scores; no judgement page
    "review:layer_judgement[post]": post(pk("panel_assignment"), only(302, "reviewer_assigned")),  # a draft
    # -- review: ZIP bundles, each opened only by whoever asked for it -----------------------------------------------
    "review:intake_bundle": post(call, admin_only(302)),
    "review:blind_bundle": post(call, only(302, "reviewer_assigned")),  # the conflicted reviewer has nothing to read
    "review:bundle": get(pk("bundle"), admin_only()),
    "review:bundle[blind]": get(pk("blind_bundle"), only(200, "reviewer_assigned")),
    "review:bundle_status": get(pk("bundle"), admin_only()),
    "review:bundle_download": get(pk("bundle"), admin_only()),
    "review:bundle_download[blind]": get(pk("blind_bundle"), only(200, "reviewer_assigned")),
    # -- review: subcommittee and technical coordination committee ---------------------------------------------------
    "review:committee": get(late, deliberators()),
    "review:committee_confirm": get(late, deliberators()),
    "review:committee_confirm[open]": get(pk("reviewing"), deliberators()),
    "review:committee_field": get(late_field, deliberators()),
    "review:committee_field[open]": get(lambda w: {"pk": w.reviewing.pk, "field_code": "ROB"}, deliberators()),
    "review:committee_scores": get(late_field, deliberators()),
    "review:committee_book": post(late_field, deliberators(302)),
    "review:committee_book_status": get(book, deliberators()),
    "review:committee_book_download": get(book, deliberators()),
    # -- review: the hearing -----------------------------------------------------------------------------------------
    "review:hearing": get(late, public()),
    "review:hearing[open]": get(pk("hearing"), public()),
    "review:hearing_candidate": get(pk("late_a_app.candidate_id"), public()),
    "review:hearing_candidate[open]": get(pk("hearing_candidate"), public()),
    "review:hearing_manage": get(late, admin_only()),
    "review:hearing_answer": get(pk("comment"), admin_only()),
    "review:hearing_answer[unanswered]": get(pk("unanswered"), admin_only()),
    # -- review: national committee ----------------------------------------------------------------------------------
    "review:national_meetings": get(late, deliberators()),
    "review:national_meetings[open]": get(pk("deliberating"), deliberators()),
    "review:national_meeting": get(pk("closed_meeting"), deliberators()),
    "review:national_meeting[open]": get(pk("open_meeting"), deliberators()),
    "review:national_meeting_close": post(pk("open_meeting"), deliberators(302)),
    "review:resolution_correct": get(pk("resolution"), deliberators()),
    # -- review: notices and the register ----------------------------------------------------------------------------
    "review:notices": get(late, admin_only()),
    "review:notice_edit": get(pk("draft"), admin_only()),
    "review:notice_amend": get(pk("draft"), admin_only()),
    "review:notice_revoke": get(pk("draft"), admin_only()),
    "review:notice_item": get(pk("draft_item"), admin_only()),
    "review:notice_item_remove": post(pk("revoke_item"), admin_only(302)),
    "review:notice_publish": post(pk("draft"), admin_only(302)),
    "review:notice_pdf_retry": post(pk("notice"), admin_only(302)),
    "review:notice_public": get(pk("notice"), public()),
    "review:notice_pdf": get(pk("notice"), public()),
    "review:register": get(none, public()),
    "review:register_entry": get(pk("entry"), public()),
    # -- open data: the registers' JSON, CSV and Atom, and the OpenAPI description, for anyone ------------------------
    "opendata:api-root": get(none, public()),  # the same URL as the index below, which answers first
    "opendata:registers": get(none, public()),
    "opendata:openapi-json": get(none, public()),
    "opendata:technologies_list": get(none, public()),
    "opendata:technologies_csv": get(none, public()),
    "opendata:technologies_detail": get(lambda w: {"key": w.entry.number}, public()),
    "opendata_technologies_feed": get(none, public()),
    "opendata:complexes_list": get(none, public()),
    "opendata:complexes_csv": get(none, public()),
    "opendata:complexes_detail": get(lambda w: {"key": w.complex_entry.number}, public()),
    "opendata_complexes_feed": get(none, public()),
    # -- review: the complexes of a complex call's notice, and the register of complexes --------------------------
    "review:complex_notice_item": get(pk("complex_item"), admin_only()),
    "review:complex_notice_item_remove": post(pk("complex_change_item"), admin_only(302)),
    "review:complex_notice_amend": get(pk("complex_draft"), admin_only()),
    "review:notice_edit[complex]": get(pk("complex_draft"), admin_only()),
    "review:notice_public[complex]": get(pk("complex_notice"), public()),
    "review:complex_register": get(none, public()),
    "review:complex_register_entry": get(lambda w: {"number": w.complex_entry.number}, public()),
    "review:complex_register_change": get(lambda w: {"number": w.complex_entry.number}, admin_only()),
    # -- review: the international R&D selection and the public list of selected candidates ---------------------------
    "review:selection": get(pk("rnd_selecting"), deliberators()),
    "review:selection[technology]": get(late, nobody()),  # only calls with categories select within quotas
    "review:selection_proposal": get(pk("rnd_category"), deliberators()),
    "review:selection_meeting": get(pk("rnd_meeting"), deliberators()),
    "review:selection_decide": post(
        lambda w: {"pk": w.rnd_meeting.pk, "proposal_pk": w.rnd_proposal.pk}, deliberators(400)
    ),  # no decision chosen
    "review:selection_category_close": post(
        lambda w: {"pk": w.rnd_meeting.pk, "category_pk": w.rnd_category.pk}, deliberators(400)
    ),  # its candidate is undecided
    "review:selection_meeting_close": post(pk("rnd_meeting"), deliberators(302)),
    "review:notice_edit[rnd]": get(pk("rnd_draft"), admin_only()),
    "review:notice_public[rnd]": get(pk("rnd_notice"), public()),
    "review:rnd_selected": get(none, public()),
    # -- review: results and objections ------------------------------------------------------------------------------
    "review:objection_lodge": get(pk("late_a_app"), only(200, *APPLICANT_A)),
    "review:evaluation_summary": get(pk("late_a_app"), only(200, *APPLICANT_A)),
    "review:objection_list": get(late, admin_only()),
    "review:objection_manage": get(pk("objection"), admin_only()),
    "review:objection_opinion": get(pk("objection"), only(200, "reviewer_conflicted")),  # the reviewer asked
    "review:re_review": get(pk("re_review"), only(200, "reviewer_conflicted")),  # the expert asked
    "review:re_review_attachment": get(  # another candidate's attachment, even to the expert asked
        lambda w: {"pk": w.re_review.pk, "attachment_id": w.review_attachment_id}, nobody()
    ),
}


# -- the URLconf -------------------------------------------------------------------------------------------------


def _patterns(resolver=None, namespace=""):
    """(full name, pattern) of every named URL, namespaces included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def third_party(name: str) -> bool:
    namespace, _sep, short = name.rpartition(":")
    return namespace in THIRD_PARTY_NAMESPACES or short.startswith(THIRD_PARTY_PREFIXES)


def portal_url_names() -> set[str]:
    return {name for name, _pattern in _patterns() if not third_party(name)}


def base_name(key: str) -> str:
    return key.split("[", 1)[0]


def ordered_rows():
    """GETs first, then POSTs (which may change what a GET would show), each in MATRIX order."""
    return sorted(MATRIX.items(), key=lambda item: item[1].method == "post")


#: The order in which roles are tried when several may open a URL: those whose pages reach furthest first.
ROLE_PREFERENCE = [
    "admin",
    "secretary",
    "applicant_a",
    "association_staff",
    "ministry_liaison",
    "reviewer_assigned",
    "reviewer_conflicted",
    "applicant_b",
    "msit_readonly",
    ANONYMOUS,
]


def permitted_role(row: Row) -> str | None:
    """A role that gets the URL's real answer (not a 404 and not the login page), signed-in roles first."""
    return next((role for role in ROLE_PREFERENCE if row.expected[role] not in (404, LOGIN)), None)


def url_of(key: str, world) -> str:
    return reverse(base_name(key), kwargs=MATRIX[key].kwargs(world))


# -- tests -------------------------------------------------------------------------------------------------------


def test_every_url_has_a_row():
    names = portal_url_names()
    covered = {base_name(key) for key in MATRIX}
    missing, stale = sorted(names - covered), sorted(covered - names)
    assert not missing, f"URLs without a MATRIX row: {missing}"
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"


def test_only_third_party_urls_are_left_out():
    """The exclusion list hides nothing of the portal's own: allauth serves the prefixed names, the admin site the
    ``admin`` namespace."""
    from django.contrib.admin import AdminSite

    own = [
        name
        for name, pattern in _patterns()
        if third_party(name) and ":" not in name and not pattern.callback.__module__.startswith(THIRD_PARTY_MODULES)
    ]
    assert not own, f"portal views hidden by the third-party exclusion: {own}"
    namespaces = {name.rpartition(":")[0] for name, _pattern in _patterns() if third_party(name) and ":" in name}
    assert namespaces <= set(THIRD_PARTY_NAMESPACES)
    assert isinstance(resolve(reverse("admin:index")).func.admin_site, AdminSite)


def test_the_role_preference_names_every_role():
    assert sorted(ROLE_PREFERENCE) == sorted(ROLES)


def test_every_row_names_every_role():
    for key, row in MATRIX.items():
        assert set(row.expected) == set(ROLES), key
        assert row.method in ("get", "post"), key
        assert all(value == LOGIN or isinstance(value, int) for value in row.expected.values()), key
        assert permitted_role(row) or row.expected == nobody(), f"{key}: nobody may open it"


def _check(response, expected) -> str | None:
    """What is wrong with the response, or None."""
    if expected == LOGIN:
        target = urlsplit(response.get("Location", ""))
        if response.status_code != 302 or target.path != reverse("account_login") or "next=" not in target.query:
            return f"{response.status_code} to {response.get('Location')!r}, expected the login page with next="
        return None
    if response.status_code != expected:
        return f"{response.status_code}, expected {expected}"
    if expected == 302 and urlsplit(response["Location"]).path == reverse("account_login"):
        return "sent to the login page although signed in"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrong = []
    for key, row in ordered_rows():
        response = getattr(client, row.method)(url_of(key, world), row.data(world))
        problem = _check(response, row.expected[role])
        if problem:
            wrong.append(f"{row.method.upper()} {key}: {problem}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
