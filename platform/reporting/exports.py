"""CSV and XLSX renderings of the dashboard's tables."""

import csv
import io

from openpyxl import Workbook


def as_csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({column: _text_cell(row.get(column)) for column in columns} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read the accents right


def as_xlsx(title: str, columns: list[str], rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A text cell starting with one of these is read as a formula by spreadsheet programs (OWASP "CSV injection"): an
# organisation named "=HYPERLINK(...)" must stay a name.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _text_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, str):
        return _text_cell(value)
    if value is None or isinstance(value, (int, float)):
        return value
    try:
        return float(value)  # Decimal
    except (TypeError, ValueError):
        return str(value)
