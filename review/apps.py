from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review and designation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from review import (
            dashboards,  # noqa: F401  (fills the home dashboards)
            signals,  # noqa: F401 - connects the receivers
        )
        from review.services.layers import transition_guard
        from surveys.pipelines import register_transition_guard

        register_transition_guard(transition_guard)  # a layer's stage is left only with the layer closed
        from review import opendata  # noqa: F401  (publishes the registers as open data)
