"""View helpers: anonymous users are sent to log in; everyone else who may not see is a 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def permission_or_404(perm: str, get_object=None):
    """Decorate a view so that it needs ``perm`` (on the object ``get_object`` returns)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, *args, **kwargs) if get_object else None
            if not request.user.has_perm(perm, obj):
                raise Http404
            if get_object:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
