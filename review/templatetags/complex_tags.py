"""Filters for the specialised-complex notice and register pages and PDF."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """A number as typed, with Korean thousands separators (1234567.5 → 1,234,567.5)."""
    from surveys.rows import korean_number

    return korean_number(value) if value not in (None, "") else ""


@register.filter
def complex_action_label(value) -> str:
    from review.enums import ComplexAction

    try:
        return ComplexAction(value).label
    except ValueError:
        return value
