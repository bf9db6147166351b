"""CSV and XLSX renderings of the dashboard's tables: ``core.spreadsheets``, which programme pages share."""

from core.spreadsheets import FORMULA_TRIGGERS, as_csv, as_xlsx, spreadsheet_cell

__all__ = ["FORMULA_TRIGGERS", "as_csv", "as_xlsx", "spreadsheet_cell"]
