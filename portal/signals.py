from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.services.audit import audit_log


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_log("portal.user.logged_in", actor=user, obj=user)
    from portal.services.notifications import unread_refresh

    unread_refresh(user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log("portal.user.logged_out", actor=user, obj=user)


@receiver(post_save, sender="portal.User")
def login_address_on_creation(sender, instance, created, raw=False, **kwargs):
    """A new account's login address is its verified primary address: accounts are created by a ministry
    admin or an organisation's manager, and first used through a password link mailed to that address."""
    if not created or raw or not instance.email:
        return
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=instance, email=instance.email.lower(), defaults={"primary": True, "verified": True}
    )


def _forget_signed_in(user_id) -> None:
    """Drop the cached signed-in user now and again once the change is committed (a request in between may have
    read the row as it was before)."""
    from django.db import transaction

    from portal.signed_in import forget_signed_in

    if user_id is None:
        return
    forget_signed_in(user_id)
    transaction.on_commit(lambda: forget_signed_in(user_id))


@receiver(post_save, sender="portal.User")
@receiver(post_delete, sender="portal.User")
def user_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _forget_signed_in(instance.pk)


@receiver(post_save, sender="portal.Membership")
@receiver(post_delete, sender="portal.Membership")
@receiver(post_save, sender="mfa.Authenticator")
@receiver(post_delete, sender="mfa.Authenticator")
def access_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _forget_signed_in(instance.user_id)
