from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from portal.opendata import build_api, open_registers
from portal.views import bench, health, home, manage, members, metrics, notifications, signup, verify

#: The public registers as open data, as the apps added them (``portal.opendata.open_register``).
open_data_api, open_data_feeds = build_api(open_registers())

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/<str:role>/", home.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("verify/", verify.verify, name="verify"),
    path("api/v1/", include(open_data_feeds)),
    path("api/v1/", open_data_api.urls),
    path("metrics", metrics.metrics, name="metrics"),
    path("signup/", signup.signup_request, name="signup_request"),
    path("signup/done/", signup.signup_done, name="signup_done"),
    path("manage/signups/", manage.signup_list, name="manage_signup_list"),
    path("manage/signups/<int:pk>/", manage.signup_detail, name="manage_signup_detail"),
    path("manage/users/", manage.user_list, name="manage_user_list"),
    path(
        "manage/memberships/<int:pk>/revoke/",
        manage.membership_revoke_view,
        name="manage_membership_revoke",
    ),
    path("manage/audit/", manage.audit_list, name="manage_audit_list"),
    path("organizations/<int:pk>/members/", members.member_list, name="organization_members"),
    path(
        "organizations/<int:pk>/members/<int:membership_pk>/revoke/",
        members.member_revoke,
        name="organization_member_revoke",
    ),
    path("notifications/", notifications.inbox, name="notification_inbox"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("settings/", notifications.user_settings, name="user_settings"),
    path("settings/calendar/", notifications.calendar_token, name="calendar_token"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls", namespace="surveys")),
    path("", include("review.urls", namespace="review")),
]

if settings.BENCH_BASELINE:
    urlpatterns.append(path("bench/bare/", bench.bare, name="bench_bare"))
