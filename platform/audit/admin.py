# django-auditlog registers its LogEntry in the Django admin itself; the audit app adds nothing there.
