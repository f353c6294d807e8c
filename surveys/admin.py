from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from surveys.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "application", "action", "detail", "ip_address"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "application__receipt_number", "ip_address", "detail"]
    list_select_related = ["user", "application"]
    date_hierarchy = "at"
