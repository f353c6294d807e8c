"""Numbers as people read them: stored as typed, shown in Korean style.

Answers are kept in JSON as fixed-point text ("70", "3500000", "12.5"), never in scientific
notation. Versions stored before that rule may hold "7E+1"; everything that shows an answer goes
through ``number_display`` (or the ``number`` template filter), which reads both forms and prints
thousands separators and the unit the form's label names: "3,500,000 m²", "120억 원", "85%".
Exports use ``number_value`` so that numeric cells stay numeric.
"""

import re
from decimal import Decimal, InvalidOperation

_UNIT = re.compile(r"[(（]([^()（）]{1,24})[)）]\s*$")
# Korean counting words written against the number: "120억 원", "3만 명".
_ATTACHED = ("억", "만", "천", "조", "백", "%", "％")


def number_json(value: Decimal | int) -> str:
    """The text a number is stored as: fixed-point, as typed; an integral value without ".0"."""
    if isinstance(value, int):
        return str(value)
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return format(value, "f")


def number_value(value) -> Decimal | int | None:
    """A stored answer as a number (for numeric spreadsheet cells), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return Decimal(format(number, "f"))


def label_unit(label: str) -> str:
    """The unit a form label gives at its end in brackets: "면적(m²)" → "m²"; "(세계 최고 대비 %)" → "%"."""
    match = _UNIT.search(str(label or ""))
    if not match:
        return ""
    unit = match.group(1).strip()
    if unit.endswith(("%", "％")):
        return "%"
    return unit


def number_display(value, unit: str = "") -> str:
    """Korean style: thousands separators, the fraction as typed, the unit after it. Not a number: as it is."""
    number = number_value(value)
    if number is None:
        return "" if value is None else str(value)
    text = f"{number:,}" if isinstance(number, int) else format(number, ",f")
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith(_ATTACHED) else f"{text} {unit}"
