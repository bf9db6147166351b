from django.contrib import admin

from .models import Clarification, Response, ResponseRevision


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["requirement", "supplier", "kind", "status", "version", "updated_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["requirement", "supplier", "linkage", "submitted_by"]


@admin.register(ResponseRevision)
class ResponseRevisionAdmin(admin.ModelAdmin):
    list_display = ["response", "version", "kind", "submitted_at"]
    raw_id_fields = ["response", "submitted_by"]


@admin.register(Clarification)
class ClarificationAdmin(admin.ModelAdmin):
    list_display = ["requirement", "asked_at", "answered_at"]
    raw_id_fields = ["requirement", "asked_by_supplier", "asked_by", "answered_by"]
