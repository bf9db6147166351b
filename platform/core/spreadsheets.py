"""CSV and XLSX renderings of the tables pages export (the dashboard's, a programme's).

Both go through `spreadsheet_cell`: a text that a spreadsheet program would read as a formula (OWASP "CSV
injection": an organisation called "=HYPERLINK(...)", a region "@SUM(...)") is written with a leading apostrophe,
which Excel and LibreOffice take as "this is text". The XLSX writer also stores every text as a string cell, so no
text can become a formula there whatever it starts with.
"""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

# What makes a spreadsheet program evaluate a cell (OWASP), and the full-width forms some versions of Excel
# evaluate the same way. Checked after any leading blanks, which some importers drop.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value):
    """A value as a spreadsheet export writes it: numbers and empty cells as they are, anything else as a text
    that cannot be evaluated."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = str(value)  # lazy translations, countries, dates: as the page shows them
    if text.lstrip(" \u00a0").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def as_csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writerow({column: spreadsheet_cell(column) for column in columns})
    writer.writerows({column: spreadsheet_cell(row.get(column)) for column in columns} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read the accents right


def as_xlsx(title: str, columns: list[str], rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    table = [columns, *([row.get(column) for column in columns] for row in rows)]
    for number, values in enumerate(table, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=spreadsheet_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # openpyxl would take a leading "=" for a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
