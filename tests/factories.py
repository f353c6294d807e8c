import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings

from portal.enums import ORGANIZATION_ROLES, OrganizationType, Role
from portal.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-1"  # nosec B105


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"테스트기업{n} 주식회사")
    name_en = factory.Sequence(lambda n: f"Test Company {n}")
    type = OrganizationType.COMPANY
    code = factory.Sequence(lambda n: f"T{n}")
    business_number = factory.Sequence(lambda n: f"100-81-{n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    name = factory.Sequence(lambda n: f"사용자{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


ORG_TYPE_FOR_ROLE = {
    Role.APPLICANT: OrganizationType.COMPANY,
    Role.ASSOCIATION_STAFF: OrganizationType.ASSOCIATION,
    Role.MINISTRY_LIAISON: OrganizationType.MINISTRY,
}


def make_user(role: str | None = None, *, organization=None, manager=False, two_factor=True, **kwargs):
    """A user with one role; organisation roles get an organisation of the fitting type."""
    user = UserFactory(**kwargs)
    if role is None:
        return user
    role = Role(role)
    if role in ORGANIZATION_ROLES and organization is None:
        organization = OrganizationFactory(type=ORG_TYPE_FOR_ROLE[role])
    Membership.objects.create(user=user, organization=organization, role=role, is_manager=manager)
    if two_factor and role in settings.TWO_FACTOR_ROLES:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


def _minimal_pdf() -> bytes:
    """A one-page PDF that parses (uploads are refused unless pypdf reads them)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINIMAL_PDF = _minimal_pdf()
#: A small PDF that opens as a document (one empty page): reviewers' blind copies are made from it.
ONE_PAGE_PDF = MINIMAL_PDF


def pdf_with_noise(size: int = 4096) -> bytes:
    """A PDF that parses (uploads must) carrying ``size`` random bytes, so every copy has its own SHA-256."""
    import io
    import os

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_attachment("noise.bin", os.urandom(size))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
