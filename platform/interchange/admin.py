from django.contrib import admin

from .models import ExternalIdentifier, ImportedRecord, ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "status", "processed", "total", "created_at")
    readonly_fields = ("counts", "error")


@admin.register(ImportedRecord)
class ImportedRecordAdmin(admin.ModelAdmin):
    list_display = ("ocid", "latest_release_date", "imported_at")
    search_fields = ("ocid",)


@admin.register(ExternalIdentifier)
class ExternalIdentifierAdmin(admin.ModelAdmin):
    list_display = ("key", "organisation")
    search_fields = ("key", "organisation__legal_name")
    raw_id_fields = ("organisation",)
