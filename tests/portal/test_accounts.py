import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.enums import SignupRequestStatus
from portal.models import AuditEvent, Membership, Organization, SignupRequest, User
from tests.factories import PASSWORD, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_log_in_with_email_and_password_reaches_the_dashboard(client):
    user = make_user("applicant")
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/applicant/"
    assert "신청자" in response.content.decode()


def test_wrong_password_is_refused_with_a_korean_message(client):
    user = make_user("applicant")
    response = _login(client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "이메일" in response.content.decode() or "비밀번호" in response.content.decode()


def test_repeated_failures_lock_the_login(client, settings):
    user = make_user("applicant")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong-password")
    response = _login(client, user.email)
    assert response.status_code == 429
    assert "로그인" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_open_self_sign_up_is_closed(client):
    response = client.post(
        "/accounts/signup/", {"email": "x@test.example", "password1": "a-long-pass-9", "password2": "a-long-pass-9"}
    )
    assert not User.objects.filter(email="x@test.example").exists()
    assert response.status_code in (200, 302)


def test_password_reset_mail_link_sets_a_new_password(client):
    user = make_user("applicant")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "n3w-Secret-pass!", "password2": "n3w-Secret-pass!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("n3w-Secret-pass!")


def test_password_reset_link_expires(client, settings):
    from portal.services.signup import password_set_url

    user = make_user("applicant")
    url = password_set_url(user)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.get(url, follow=True)
    assert "password1" not in response.content.decode()


def _request_data(**overrides):
    data = {
        "organization_name": "새봄로봇 주식회사",
        "organization_type": "company",
        "business_number": "220-81-12345",
        "contact_name": "홍길동",
        "contact_email": "Hong@Saebom.example",
        "contact_phone": "02-123-4567",
        "note": "",
    }
    data.update(overrides)
    return data


def test_sign_up_request_is_received_and_confirmed_by_mail(client, django_capture_on_commit_callbacks):
    association = OrganizationFactory(type="association", business_number="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signup/", _request_data(association=association.pk))
    assert response.status_code == 302
    request = SignupRequest.objects.get()
    assert request.contact_email == "hong@saebom.example"
    assert request.status == SignupRequestStatus.PENDING
    assert mail.outbox[0].to == ["hong@saebom.example"]


def test_sign_up_request_errors_are_korean_and_keep_the_input(client):
    response = client.post("/signup/", _request_data(business_number="12345", contact_email="not-an-email"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "000-00-00000" in html
    assert "새봄로봇 주식회사" in html
    assert "올바른 이메일" in html or "이메일" in html
    assert not SignupRequest.objects.exists()


def test_company_must_give_a_business_number(client):
    response = client.post("/signup/", _request_data(business_number=""))
    assert response.status_code == 200
    assert response.context["form"].errors["business_number"]


def test_admin_approves_a_request_creating_organisation_manager_and_mail(client, django_capture_on_commit_callbacks):
    admin = make_user("admin")
    association = OrganizationFactory(type="association", business_number="")
    client.post("/signup/", _request_data(association=association.pk))
    request = SignupRequest.objects.get()
    mail.outbox.clear()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/manage/signups/{request.pk}/", {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SignupRequestStatus.APPROVED
    organization = Organization.objects.get(business_number="220-81-12345")
    assert list(organization.associations.all()) == [association]
    membership = Membership.objects.get(organization=organization)
    assert membership.user.email == "hong@saebom.example"
    assert membership.is_manager and membership.role == "applicant"
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="portal.signup.approved", actor=admin).exists()


def test_reject_needs_a_reason_and_mails_it(client, django_capture_on_commit_callbacks):
    admin = make_user("admin")
    client.post("/signup/", _request_data())
    request = SignupRequest.objects.get()
    mail.outbox.clear()
    client.force_login(admin)
    response = client.post(f"/manage/signups/{request.pk}/", {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == SignupRequestStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/manage/signups/{request.pk}/", {"decision": "reject", "reason": "사업자번호 확인 불가"})
    request.refresh_from_db()
    assert request.status == SignupRequestStatus.REJECTED
    assert "사업자번호 확인 불가" in mail.outbox[0].body


def test_deciding_twice_is_refused(client):
    admin = make_user("admin")
    client.post("/signup/", _request_data())
    request = SignupRequest.objects.get()
    client.force_login(admin)
    client.post(f"/manage/signups/{request.pk}/", {"decision": "approve"})
    from portal.exceptions import DomainError
    from portal.services.signup import signup_request_approve

    with pytest.raises(DomainError):
        signup_request_approve(request, actor=admin)
    assert Organization.objects.filter(business_number="220-81-12345").count() == 1


def test_reviewer_without_a_second_factor_must_enrol_first(client):
    reviewer = make_user("reviewer", two_factor=False)
    client.force_login(reviewer)
    response = client.get("/dashboard/reviewer/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_reviewer_log_in_asks_for_the_authenticator_code(client):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    reviewer = make_user("reviewer")
    response = _login(client, reviewer.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    counter = list(yield_hotp_counters_from_time())[1]
    code = format_hotp_value(hotp_value(reviewer.totp_secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/dashboard/reviewer/").status_code == 200


def test_idle_session_is_signed_out(client, settings):
    user = make_user("applicant")
    client.force_login(user)
    assert client.get("/dashboard/applicant/").status_code == 200
    session = client.session
    session["portal.last_seen"] -= settings.SESSION_IDLE_TIMEOUT + 5
    session.save()
    response = client.get("/dashboard/applicant/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _login_from(client, email, ip, password="wrong-password"):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_failures_on_one_account_from_many_addresses_lock_that_account(client, settings):
    from axes.models import AccessAttempt

    user = make_user("applicant")
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login_from(client, user.email.upper(), f"198.51.100.{number + 1}")
    assert AccessAttempt.objects.filter(username=user.email).exists()
    response = _login_from(client, user.email, "203.0.113.77", password=PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_over_many_accounts_from_one_address_do_not_lock_another(client, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        victim = make_user("applicant")
        _login_from(client, victim.email, "192.0.2.10")
    sixth = make_user("applicant")
    response = _login_from(client, sixth.email, "192.0.2.10", password=PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sixth.pk)


def test_sign_up_answers_the_same_for_a_registered_business_number_and_tells_its_manager(
    client, django_capture_on_commit_callbacks
):
    manager = make_user("applicant", manager=True)
    registered = manager.memberships.get().organization
    registered.business_number = "220-81-12345"
    registered.save(update_fields=["business_number"])

    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/signup/", _request_data(business_number="314-86-54321", contact_email="a@new.example"))
    received_new = [m for m in mail.outbox if m.to == ["a@new.example"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/signup/", _request_data(contact_email="b@new.example"))

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"]) == (302, "/signup/done/")
    received_taken = [m for m in mail.outbox if m.to == ["b@new.example"]]
    assert [m.subject for m in received_taken] == [m.subject for m in received_new]
    assert received_taken[0].body == received_new[0].body
    told = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(told) == 1
    assert "b@new.example" in told[0].body and "220-81-12345" in told[0].body
    assert SignupRequest.objects.count() == 2


def _follow_password_link(client, body, new_password="n3w-Secret-pass!"):
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    response = client.get(path, follow=True)
    assert "password1" in response.content.decode(), "the link from the mail was refused"
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    return path


def test_the_invitation_link_sets_a_password_and_the_stored_mail_keeps_no_key(
    client, django_capture_on_commit_callbacks
):
    from portal.models import OutboundMail
    from portal.services.memberships import member_invite

    manager = make_user("association_staff", manager=True)
    association = manager.memberships.get().organization
    with django_capture_on_commit_callbacks(execute=True):
        membership = member_invite(
            association, email="new@kar.example", name="신입", role="association_staff", actor=manager
        )
    path = _follow_password_link(client, mail.outbox[0].body)
    membership.user.refresh_from_db()
    assert membership.user.check_password("n3w-Secret-pass!")
    stored = OutboundMail.objects.get(template="member_invited")
    assert stored.status == "sent"
    key = path.rstrip("/").rsplit("/", 1)[-1]
    assert key not in stored.body_text and "/accounts/password/reset/key/" in stored.body_text


def test_the_sign_up_approval_link_sets_a_password(client, django_capture_on_commit_callbacks):
    admin = make_user("admin")
    client.post("/signup/", _request_data())
    request = SignupRequest.objects.get()
    mail.outbox.clear()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/manage/signups/{request.pk}/", {"decision": "approve", "reason": ""})
    client.logout()
    _follow_password_link(client, mail.outbox[0].body)
    assert User.objects.get(email="hong@saebom.example").check_password("n3w-Secret-pass!")


def _totp_code(user):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(user.totp_secret, list(yield_hotp_counters_from_time())[1]))


def test_the_admin_login_page_sends_to_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_password_alone_on_the_admin_login_signs_nobody_in(client):
    staff = make_user("admin", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_staff_session_without_the_second_factor_is_refused_by_the_admin(client):
    staff = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_without_an_authenticator_must_enrol_before_the_admin(client):
    staff = make_user(None, is_staff=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_signed_in_with_the_second_factor_reach_the_admin(client):
    staff = make_user("admin", is_staff=True, is_superuser=True)
    response = _login(client, staff.email)
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": _totp_code(staff)})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/portal/user/").status_code == 200


def test_another_accounts_address_cannot_be_added(client):
    user = make_user("applicant")
    other = make_user("applicant")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": other.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(user=user, email__iexact=other.email).exists()


def test_an_unconfirmed_address_cannot_become_the_login_address(client):
    from allauth.account.models import EmailAddress

    user = make_user("applicant")
    other = make_user("applicant")
    EmailAddress.objects.create(user=user, email=other.email, verified=False, primary=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("account_email"), {"action_primary": "", "email": other.email})
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.email != other.email


def test_changing_the_login_address_needs_the_password_and_confirms_to_both(client, django_capture_on_commit_callbacks):
    user = make_user("applicant")
    old = user.email
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new@home.example", "password": "wrong-password"}
    )
    assert response.status_code == 200 and response.context["form"].errors["password"]
    assert mail.outbox == []

    client.post(reverse("account_email"), {"action_add": "", "email": "new@home.example", "password": PASSWORD})
    user.refresh_from_db()
    assert user.email == old  # not before the new address is confirmed
    confirm = [m for m in mail.outbox if m.to == ["new@home.example"]]
    assert len(confirm) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", confirm[0].body).group(1)
    mail.outbox.clear()
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@home.example"
    assert [m.to for m in mail.outbox] == [[old]]  # the old address is told
