"""The audit trail is written by django-auditlog's signal receivers (see registry.py), never by hand: no services."""
