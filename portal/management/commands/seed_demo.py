from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import demo
from portal.middleware import has_two_factor
from portal.models import AssociationMembership, Membership, Organization, User


class Command(BaseCommand):
    help = "Load the demo organisations and accounts (idempotent) and print their log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (prints passwords).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo prints passwords; run it with DEBUG=1 or --force.")
        with transaction.atomic():
            organizations = self._organizations()
            rows = self._users(organizations)
        for hook in getattr(settings, "DEMO_SEED_HOOKS", []):
            from django.utils.module_loading import import_string

            import_string(hook)(stdout=self.stdout)
        self._print(rows)

    def _organizations(self) -> dict[str, Organization]:
        result = {}
        for code, name, name_en, kind, number, _associations in demo.ORGANIZATIONS:
            result[code], _ = Organization.objects.update_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "type": kind, "business_number": number},
            )
        for code, *_rest, associations in demo.ORGANIZATIONS:
            for association in associations:
                AssociationMembership.objects.get_or_create(member=result[code], association=result[association])
        return result

    def _users(self, organizations):
        from allauth.mfa.totp.internal.auth import TOTP

        rows = []
        for email, name, role, org_code, manager in demo.USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, demo.DEMO_PASSWORD, name=name)
            Membership.objects.update_or_create(
                user=user,
                role=role,
                organization=organizations.get(org_code),
                defaults={"is_manager": manager, "is_active": True},
            )
            secret = ""
            if role in settings.TWO_FACTOR_ROLES:
                secret = demo.demo_totp_secret(email)
                if not has_two_factor(user):
                    TOTP.activate(user, secret)
            rows.append((email, role.label, organizations[org_code].name if org_code else "—", secret))
        return rows

    def _print(self, rows):
        self.stdout.write(self.style.SUCCESS("Demo accounts (password for all: %s)" % demo.DEMO_PASSWORD))
        for email, role, organization, secret in rows:
            line = f"  {email:32} {str(role):14} {organization}"
            if secret:
                line += f"\n      TOTP secret (add to an authenticator app): {secret}"
            self.stdout.write(line)
