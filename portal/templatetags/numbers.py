"""``{{ value|number }}``, ``{{ value|number:"m²" }}``: numbers in Korean style (see ``portal.numbers``)."""

from django import template

from portal.numbers import number_display

register = template.Library()


@register.filter
def number(value, unit=""):
    if value is None or value == "":
        return value
    return number_display(value, unit)
