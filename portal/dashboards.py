"""The home dashboards' contents, filled by each app: the core knows no stage.

An app registers a provider for the roles whose dashboard it adds to (in its ``AppConfig.ready``);
the dashboard view asks every provider of the role to add to the template's context.
"""

from collections import defaultdict
from typing import Callable

Provider = Callable[[object, dict], None]

_providers: dict[str, list[Provider]] = defaultdict(list)


def dashboard_part(*roles):
    """Register ``provider(request, context)`` for the dashboards of ``roles``."""

    def register(provider: Provider) -> Provider:
        for role in roles:
            if provider not in _providers[str(role)]:
                _providers[str(role)].append(provider)
        return provider

    return register


def dashboard_context(request, role) -> dict:
    context: dict = {}
    for provider in _providers[str(role)]:
        provider(request, context)
    return context
