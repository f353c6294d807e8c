"""The inbox and the person's own settings. A notification is only ever found among the user's own: others' are 404."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import MailPreferencesForm
from portal.models import Notification, UserSettings
from portal.permissions import permission_or_404
from portal.services import notifications as service
from portal.services import user_settings as user_settings_service

PAGE_SIZE = 25
signed_in = permission_or_404("portal.signed_in")


@signed_in
def inbox(request):
    notifications = Notification.objects.filter(user=request.user).only(
        "pk", "kind", "subject", "body", "link", "read_at", "created_at"
    )
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications/inbox.html", {"page": page, "unread_only": unread_only})


@signed_in
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about (or back to the inbox if it links nowhere)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    service.notification_open(notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notification_inbox")


@require_POST
@signed_in
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    service.notification_open(notification)
    return redirect("notification_inbox")


@require_POST
@signed_in
def notifications_read_all(request):
    count = service.notifications_read_all(request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notification_inbox")


def _feed_url(row) -> str:
    if not (row and row.calendar_token):
        return ""
    return settings.SITE_URL + reverse("surveys:calendar_feed", kwargs={"token": row.calendar_token})


@signed_in
def user_settings(request):
    row = UserSettings.objects.filter(user=request.user).first()
    muted = row.muted_mail if row else []
    form = MailPreferencesForm(request.POST or None, muted=muted)
    context = {"form": form, "feed_url": _feed_url(row)}
    if request.method == "POST":
        if form.is_valid():
            service.mail_preferences_save(request.user, muted=form.muted())
            messages.success(request, _("Your mail preferences were saved."))
            return redirect("user_settings")
        return render(request, "portal/settings.html", context, status=400)
    return render(request, "portal/settings.html", context)


@require_POST
@signed_in
def calendar_token(request):
    action = request.POST.get("action")
    if action == "issue":
        user_settings_service.calendar_token_issue(request.user)
        messages.success(request, _("A new calendar feed address was created; the previous one no longer works."))
    elif action == "revoke":
        user_settings_service.calendar_token_revoke(request.user)
        messages.success(request, _("The calendar feed address was revoked."))
    else:
        messages.error(request, _("Choose whether to create or revoke the address."))
    return redirect("user_settings")
