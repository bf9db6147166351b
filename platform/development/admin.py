from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "starts_on", "ends_on")
    search_fields = ("name",)
    filter_horizontal = ("anchor_buyers", "suppliers")
