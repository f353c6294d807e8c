from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.forms import SignupRequestForm
from portal.services.signup import signup_request_create


def signup_request(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup_request_create(data=form.cleaned_data)
        messages.success(
            request,
            _("Your request has been received. A ministry administrator will review it and write to you by e-mail."),
        )
        return redirect("signup_done")
    return render(request, "portal/signup/request.html", {"form": form})


def signup_done(request):
    return render(request, "portal/signup/done.html")
