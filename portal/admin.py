from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import (
    AssociationMembership,
    AuditEvent,
    Membership,
    Organization,
    OutboundMail,
    SignupRequest,
    User,
)

# The admin has no log-in of its own: it sends people to the portal's log-in, second factor included
# (portal.middleware.AdminRequiresSecondFactorMiddleware refuses staff sessions that skipped it).
admin.site.login = secure_admin_login(admin.site.login)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "phone", "preferred_language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]
    inlines = [MembershipInline]


class AssociationInline(admin.TabularInline):
    model = AssociationMembership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["association"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "code", "business_number", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "name_en", "business_number", "code"]
    inlines = [AssociationInline]


@admin.register(SignupRequest)
class SignupRequestAdmin(admin.ModelAdmin):
    list_display = ["organization_name", "organization_type", "contact_email", "status", "created_at"]
    list_filter = ["status", "organization_type"]
    search_fields = ["organization_name", "contact_email", "business_number"]
    readonly_fields = ["status", "decided_by", "decided_at", "decision_reason", "organization"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "object_repr", "ip_address"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "object_repr", "actor__email", "object_id", "ip_address"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "ip_address",
    ]


@admin.register(OutboundMail)
class OutboundMailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "topic"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]
