from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from approved sign-up requests and invitations, never open sign-up."""

    def is_open_for_signup(self, request):
        return False


def axes_username(request, credentials=None) -> str | None:
    """The account a login attempt names, as django-axes counts it.

    allauth authenticates with ``email=`` and its form posts ``login``; both are read and
    normalised (trimmed, lower case) so every spelling of one address counts against one account.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login") or data.get("email")
    if not value or not isinstance(value, str):
        return None
    return value.strip().lower()
