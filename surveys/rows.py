"""Repeatable rows in an application form (anchor companies, a phased schedule), without script.

A ``RowsField`` is one answer stored as a list of dicts. Its widget shows the saved rows and a few
empty ones to fill in (inputs named ``<name>-<row>-<column>``); a saved answer passed back as data
(the completeness check, the ministry's preview) is read as it is. Numbers are kept as typed
(``"1200"``, never ``"1.2E+3"``), and columns marked ``total`` are summed for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: "text", "integer", "decimal" or "choice"
    kind: str = "text"
    required: bool = True
    max_length: int = 200
    #: Shown after the value ("억원", "명").
    unit: str = ""
    total: bool = False
    min_value: int | None = 0
    max_value: int | None = None
    #: For "choice": a callable giving [(value, label)] (called when shown, so labels follow the language).
    choices: object = None

    def options(self) -> list[tuple[str, str]]:
        return [
            (str(value), str(label))
            for value, label in (self.choices() if callable(self.choices) else self.choices or [])
        ]


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def korean_number(value) -> str:
    """1234567.5 → "1,234,567.5"; text that is not a number stays as it is."""
    try:
        number = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    whole, _dot, fraction = _plain(number).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    grouped = f"{int(whole):,}" if whole else "0"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def _joined(fragments):
    """Fragments already made safe by ``format_html``, joined without escaping them again."""
    return format_html_join("", "{}", ((fragment,) for fragment in fragments))


class RowsWidget(forms.Widget):
    def __init__(self, columns: tuple[Column, ...], max_rows: int, spare_rows: int = 3, attrs=None):
        super().__init__(attrs)
        self.columns = columns
        self.max_rows = max_rows
        self.spare_rows = spare_rows

    def value_from_datadict(self, data, files, name):
        stored = data.get(name)
        if isinstance(stored, list):
            return stored
        rows = []
        for index in range(self.max_rows):
            row = {column.key: str(data.get(f"{name}-{index}-{column.key}", "")).strip() for column in self.columns}
            if any(row.values()):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key.startswith(f"{name}-") for key in data)

    def format_value(self, value):
        return value if isinstance(value, list) else []

    def render(self, name, value, attrs=None, renderer=None):
        rows = [row for row in (value if isinstance(value, list) else []) if isinstance(row, dict)]
        count = min(self.max_rows, max(len(rows) + self.spare_rows, 1))
        field_id = (attrs or {}).get("id") or f"id_{name}"
        head = format_html_join(
            "",
            '<th scope="col">{}{}</th>',
            ((column.label, f" ({column.unit})" if column.unit else "") for column in self.columns),
        )
        body = [self._row(name, field_id, index, rows[index] if index < len(rows) else {}) for index in range(count)]
        note = _("Up to %(n)d rows. Save to get more empty rows.") % {"n": self.max_rows}
        return format_html(
            '<div class="table-responsive" id="{}"><table class="table table-sm align-middle rows-table">'
            '<thead><tr><th scope="col">#</th>{}</tr></thead><tbody>{}</tbody></table>'
            '<p class="form-text">{}</p></div>',
            field_id,
            head,
            _joined(body),
            note,
        )

    def _row(self, name: str, field_id: str, index: int, row: dict):
        cells = []
        for column in self.columns:
            names = _cell_names(name, field_id, index, column)
            cell = _select_cell if column.kind == "choice" else _input_cell
            cells.append(cell(column, names, index, row))
        return format_html('<tr><th scope="row">{}</th>{}</tr>', index + 1, _joined(cells))


def _cell_names(name: str, field_id: str, index: int, column: Column):
    """The ``name`` and ``id`` attributes of one cell's input: ``<name>-<row>-<column>``."""
    return format_html('name="{}-{}-{}" id="{}-{}-{}"', name, index, column.key, field_id, index, column.key)


def _select_cell(column: Column, names, index: int, row: dict):
    current = str(row.get(column.key, ""))
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == current else "", label)  # nosec B308
            for value, label in [("", "---------"), *column.options()]
        ),
    )
    return format_html(
        '<td><select class="form-select form-select-sm" {} aria-label="{} {}">{}</select></td>',
        names,
        column.label,
        index + 1,
        options,
    )


def _input_cell(column: Column, names, index: int, row: dict):
    input_type = "text" if column.kind == "text" else "number"
    step = mark_safe(' step="any"') if column.kind == "decimal" else ""  # nosec B308: a constant
    return format_html(
        '<td><input type="{}"{} class="form-control form-control-sm" {} value="{}" aria-label="{} {}" '
        'maxlength="{}"></td>',
        input_type,
        step,
        names,
        row.get(column.key, ""),
        column.label,
        index + 1,
        column.max_length,
    )


class RowsField(forms.Field):
    widget = RowsWidget

    def __init__(self, *, columns: tuple[Column, ...], min_rows: int = 0, max_rows: int = 20, row_check=None, **kwargs):
        self.columns = columns
        self.min_rows = min_rows
        self.max_rows = max_rows
        #: ``row_check(row) -> str``: a message when a clean row is inconsistent ("" when it is fine).
        self.row_check = row_check
        kwargs.setdefault("widget", RowsWidget(columns, max_rows))
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, list):
            return []
        return [row for row in value if isinstance(row, dict) and any(str(v).strip() for v in row.values())]

    def validate(self, value):
        if self.required and len(value) < max(self.min_rows, 1):
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_rows:
            raise ValidationError(_("At most %(n)d rows.") % {"n": self.max_rows}, code="max_rows")

    def clean(self, value):
        rows = self.to_python(value)
        self.validate(rows)
        cleaned, problems = [], []
        for number, row in enumerate(rows, start=1):
            clean_row, row_problems = {}, []
            for column in self.columns:
                text = str(row.get(column.key, "")).strip()
                try:
                    clean_row[column.key] = self._clean_cell(column, text)
                except ValidationError as problem:
                    row_problems.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": problem.message})
                    if not text or column.kind == "choice":
                        clean_row[column.key] = text
            if self.row_check and not row_problems:
                message = self.row_check(clean_row)
                if message:
                    row_problems.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": message})
            problems.extend(row_problems)
            cleaned.append(clean_row)
        if problems:
            raise ValidationError(problems, code="invalid")
        self.run_validators(cleaned)
        return cleaned

    @staticmethod
    def _clean_cell(column: Column, text: str) -> str:
        """One cell as stored (numbers as typed, without separators); a ``ValidationError`` names the problem."""
        label = {"column": column.label}
        if not text:
            if column.required:
                raise ValidationError(_("“%(column)s” is required.") % label)
            return ""
        if len(text) > column.max_length:
            raise ValidationError(
                _("“%(column)s” is longer than %(n)d characters.") % {**label, "n": column.max_length}
            )
        if column.kind == "text":
            return text
        if column.kind == "choice":
            if text not in dict(column.options()):
                raise ValidationError(_("choose a “%(column)s” from the list.") % label)
            return text
        try:
            amount = Decimal(text.replace(",", ""))
            if not amount.is_finite() or (column.kind == "integer" and amount != amount.to_integral_value()):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ValidationError(_("“%(column)s” must be a number.") % label) from None
        if (column.min_value is not None and amount < column.min_value) or (
            column.max_value is not None and amount > column.max_value
        ):
            raise ValidationError(_("“%(column)s” is out of range.") % label)
        return _plain(amount)

    def totals(self, rows) -> dict[str, str]:
        result = {}
        for column in self.columns:
            if not column.total:
                continue
            amount = Decimal(0)
            for row in rows if isinstance(rows, list) else []:
                try:
                    amount += Decimal(str(row.get(column.key, "") or 0).replace(",", ""))
                except (InvalidOperation, ValueError, AttributeError):
                    continue
            result[column.key] = _plain(amount)
        return result

    def display_value(self, rows) -> str:
        """The rows as text for previews, versions and PDFs, with the totals last."""
        if not isinstance(rows, list) or not rows:
            return ""
        lines = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                continue
            parts = []
            for column in self.columns:
                value = row.get(column.key, "")
                if value in ("", None):
                    continue
                if column.kind == "choice":
                    parts.append(str(dict(column.options()).get(str(value), value)))
                    continue
                shown = korean_number(value) if column.kind != "text" else str(value)
                parts.append(f"{column.label} {shown}{column.unit}" if column.kind != "text" else shown)
            lines.append(f"{number}. " + " · ".join(parts))
        totals = self.totals(rows)
        if totals:
            labels = {column.key: column for column in self.columns}
            lines.append(
                _("Total")
                + ": "
                + " · ".join(
                    f"{labels[key].label} {korean_number(value)}{labels[key].unit}" for key, value in totals.items()
                )
            )
        return "\n".join(lines)
