from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "units_per_usd", "valid_from", "created_by")
    list_filter = ("currency",)
