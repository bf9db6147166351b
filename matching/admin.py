from django.contrib import admin

from .models import Match, MatchRun, Opportunity, RankerModel, ShortlistEntry


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    fields = ("rank", "supplier", "score")
    readonly_fields = fields
    can_delete = False


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "requirement", "status", "trigger", "eligible", "excluded", "model_version", "created_at")
    list_filter = ("status", "trigger")
    raw_id_fields = ("requirement", "requested_by")
    readonly_fields = ("timings_ms", "excluded_by_reason")
    inlines = [MatchInline]


@admin.register(RankerModel)
class RankerModelAdmin(admin.ModelAdmin):
    list_display = ("version", "trained_at", "training_examples", "promoted", "active")
    readonly_fields = ("version", "artifact", "trained_at", "training_examples", "metrics", "promoted")


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ("requirement", "supplier", "added_by", "added_at")
    raw_id_fields = ("requirement", "supplier", "added_by")


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    """Read-only: fits are written by match runs and profile refreshes, never by hand."""

    list_display = ("requirement", "supplier", "eligible", "score", "model_version", "computed_at")
    list_filter = ("eligible",)
    raw_id_fields = ("requirement", "supplier")
    readonly_fields = (
        "requirement",
        "supplier",
        "eligible",
        "score",
        "components",
        "gaps",
        "excluded_because",
        "model_version",
        "computed_at",
    )

    def has_add_permission(self, request):
        return False
