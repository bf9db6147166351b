from django.contrib import admin

from .models import Notification, SavedSearch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "organisation", "kind", "created_at", "last_checked_at")
    list_filter = ("kind",)
    raw_id_fields = ("owner", "organisation")
