from django.contrib.auth.signals import user_logged_in, user_logged_out
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
