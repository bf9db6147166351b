from django.contrib import admin

from .models import Linkage, LinkageStageChange, Transaction


class StageChangeInline(admin.TabularInline):
    model = LinkageStageChange
    extra = 0
    readonly_fields = ("from_stage", "to_stage", "changed_at", "changed_by", "note")


class TransactionInline(admin.TabularInline):
    model = Transaction
    extra = 0


@admin.register(Linkage)
class LinkageAdmin(admin.ModelAdmin):
    list_display = ("buyer", "supplier", "requirement", "source", "stage", "last_activity_at")
    list_filter = ("stage", "source")
    search_fields = ("buyer__legal_name", "supplier__organisation__legal_name")
    raw_id_fields = ("buyer", "supplier", "requirement", "category", "created_by")
    inlines = [StageChangeInline, TransactionInline]
