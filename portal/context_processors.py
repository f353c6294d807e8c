from django.conf import settings

from portal.enums import Role


def portal(request):
    user = getattr(request, "user", None)
    roles = []
    if user is not None and user.is_authenticated:
        roles = [Role(code) for code in Role.values if user.has_role(code)]
    return {
        "user_roles": roles,
        "LANGUAGES": settings.LANGUAGES,
        "demo_mode": settings.DEBUG,
    }
