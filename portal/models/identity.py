from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import OrganizationType, Role
from portal.models.choices import ChoiceLabels

business_number_validator = RegexValidator(
    r"^\d{3}-\d{2}-\d{5}$",
    _("Enter the business registration number as 000-00-00000."),
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (Django admin)"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="ko", choices=[("ko", "한국어"), ("en", "English")]
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    # The request's user object lives for one request: its memberships and second factor are read once
    # there, by the first rule, middleware or context processor that asks, and every later check reuses them.

    def membership_facts(self) -> tuple[tuple[int | None, str, bool], ...]:
        """``(organization_id, role, is_manager)`` of each active membership, read once per instance."""
        if not hasattr(self, "_membership_cache"):
            self._membership_cache = tuple(
                self.memberships.filter(is_active=True).values_list("organization_id", "role", "is_manager")
            )
        return self._membership_cache

    def role_set(self) -> set[str]:
        """Roles held through active memberships, cached on the instance."""
        if not hasattr(self, "_role_cache"):
            self._role_cache = {role for _organization, role, _manager in self.membership_facts()}
        return self._role_cache

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_set()

    def holds_in(self, organization_id, roles=None, *, manager: bool = False) -> bool:
        """An active membership of this organisation (in one of ``roles``; as its manager when asked)."""
        return organization_id is not None and any(
            organization == organization_id and (roles is None or role in roles) and (is_manager or not manager)
            for organization, role, is_manager in self.membership_facts()
        )

    def organization_ids(self, roles=None) -> list[int]:
        """The organisations of the active memberships (in one of ``roles``), in membership order."""
        seen = []
        for organization, role, _manager in self.membership_facts():
            if organization is not None and (roles is None or role in roles) and organization not in seen:
                seen.append(organization)
        return seen

    def has_totp(self) -> bool:
        """An authenticator app (TOTP) is enrolled; read once per instance."""
        if not hasattr(self, "_totp_cache"):
            from allauth.mfa.models import Authenticator

            self._totp_cache = Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()
        return self._totp_cache

    def forget_access(self) -> None:
        """Drop what was read once (after changing this user's memberships or second factor)."""
        for name in ("_membership_cache", "_role_cache", "_totp_cache"):
            self.__dict__.pop(name, None)


class Organization(ChoiceLabels, models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    business_number = models.CharField(
        _("business registration number"),
        max_length=12,
        blank=True,
        validators=[business_number_validator],
    )
    code = models.SlugField(
        _("short code"),
        max_length=20,
        blank=True,
        help_text=_("Short code used in receipt numbers and lists, e.g. MOTIE or KAR."),
    )
    associations = models.ManyToManyField(
        "self",
        through="AssociationMembership",
        through_fields=("member", "association"),
        symmetrical=False,
        related_name="member_organizations",
        blank=True,
        verbose_name=_("associations"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_number"],
                condition=~models.Q(business_number=""),
                name="organization_unique_business_number",
            ),
        ]

    def __str__(self):
        return self.name


class AssociationMembership(models.Model):
    """A company (or institute) that belongs to an industry association."""

    member = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="association_links")
    association = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="member_links",
        limit_choices_to={"type": OrganizationType.ASSOCIATION},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("association membership")
        verbose_name_plural = _("association memberships")
        constraints = [models.UniqueConstraint(fields=["member", "association"], name="association_member_once")]

    def __str__(self):
        return f"{self.member} ∈ {self.association}"


class Membership(ChoiceLabels, models.Model):
    """A role a user holds, inside an organisation or portal-wide.

    Applicant, association staff and ministry liaison roles belong to an organisation;
    reviewer, committee secretary and ministry admin roles are portal-wide and may name
    the organisation the person works for.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_manager = models.BooleanField(
        _("organisation manager"),
        default=False,
        help_text=_("Managers grant and revoke roles of their own organisation's members."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organization__isnull=True),
                name="membership_unique_portal_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        where = f" @ {self.organization}" if self.organization_id else ""
        return f"{self.user} — {self.get_role_display()}{where}"
