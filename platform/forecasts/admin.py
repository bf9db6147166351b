from django.contrib import admin

from .models import DemandForecast, ForecastFit, ForecastInterest, ForecastMatchRun, ForecastVolume


class VolumeInline(admin.TabularInline):
    model = ForecastVolume
    extra = 0


@admin.register(DemandForecast)
class DemandForecastAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "start_year", "end_year", "confidence", "status", "visibility"]
    list_filter = ["status", "visibility", "confidence"]
    search_fields = ["title", "buyer__legal_name"]
    raw_id_fields = ["buyer", "created_by"]
    inlines = [VolumeInline]


@admin.register(ForecastInterest)
class ForecastInterestAdmin(admin.ModelAdmin):
    list_display = ["forecast", "supplier", "capacity_quantity", "capacity_unit", "investment_amount", "from_year"]
    raw_id_fields = ["forecast", "supplier", "created_by", "updated_by"]


@admin.register(ForecastMatchRun)
class ForecastMatchRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "forecast", "status", "trigger", "attempts", "created_at", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["forecast"]


@admin.register(ForecastFit)
class ForecastFitAdmin(admin.ModelAdmin):
    list_display = ["forecast", "supplier", "rank", "score"]
    raw_id_fields = ["forecast", "supplier", "run"]
