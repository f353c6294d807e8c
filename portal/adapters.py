from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from approved sign-up requests and invitations, never open sign-up."""

    def is_open_for_signup(self, request):
        return False
