from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.enums import Role


def portal(request):
    user = getattr(request, "user", None)
    roles, unread = [], 0
    if user is not None and user.is_authenticated:
        from portal.services.notifications import unread_count

        roles = [Role(code) for code in Role.values if user.has_role(code)]
        unread = SimpleLazyObject(lambda: unread_count(user))
    return {
        "unread_notifications": unread,
        "user_roles": roles,
        "LANGUAGES": settings.LANGUAGES,
        "demo_mode": settings.DEBUG,
    }
