from django.contrib import admin

from review.models import Assignment, Panel, PanelMember, ReviewerProfile, ReviewPlan  # noqa: E402


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organization_name", "expertise"]
    search_fields = ["user__name", "user__email", "organization_name"]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "survey", "field_code"]
    inlines = [PanelMemberInline]


admin.site.register(ReviewPlan)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["candidate", "reviewer", "pseudonym", "status", "due_on"]
    list_filter = ["status"]
    raw_id_fields = ["candidate", "reviewer", "assigned_by"]
