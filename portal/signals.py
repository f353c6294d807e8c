from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
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

