"""Permission predicates (django-rules)."""

import rules  # noqa: F401
