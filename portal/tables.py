"""Reading uploaded lists (CSV or XLSX) whose first row names the columns."""

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _raw_rows(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:
            raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp949"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("The CSV file must be saved as UTF-8 or CP949 (EUC-KR)."))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("Upload a .csv or .xlsx file."))


def read_table(
    upload, *, columns: dict[str, set[str]], required: set[str], header_error: str, max_rows: int | None = None
) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (line number in the file, {column: value}); blank rows are skipped.

    ``columns`` maps each column to the header titles that name it (lower case).
    """
    rows = [(line, row) for line, row in enumerate(_raw_rows(upload), start=1) if any(cell for cell in row)]
    if not rows:
        raise ValidationError(_("The file is empty."))
    if max_rows is not None and len(rows) > max_rows + 1:
        raise ValidationError(_("At most %(n)d rows can be imported at once.") % {"n": max_rows})
    positions = {}
    for index, title in enumerate(rows[0][1]):
        for column, names in columns.items():
            if title.strip().lower() in names:
                positions[column] = index
    if not required <= set(positions):
        raise ValidationError(header_error)
    return [
        (line, {column: row[index].strip() if index < len(row) else "" for column, index in positions.items()})
        for line, row in rows[1:]
    ]
