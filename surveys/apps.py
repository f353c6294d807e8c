from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Calls and applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from surveys import (
            dashboards,  # noqa: F401  (fills the home dashboards)
            receivers,  # noqa: F401  (connects the receivers)
        )
