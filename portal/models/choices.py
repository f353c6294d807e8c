"""Choice labels read from a table built once per field and language."""

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=None)
def _labels(field, language: str | None) -> dict:
    # Called with ``language`` active, so the lazy labels are translated into it.
    return {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}


class ChoiceLabels:
    """For models whose choice labels are shown in lists.

    Django's ``get_FOO_display()`` translates every choice of the field on each call; a list of fifty
    rows with three labels each spent more time there than on its queries. This reads one table per
    field and language instead, with the same result (a value outside the choices is shown as it is).
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _labels(field, get_language())[make_hashable(value)]
        except KeyError:
            return force_str(value, strings_only=True)
