from django.contrib import admin

from .models import Capability, Certification, ExposureCount, Machine, ReadinessDiagnostic, SupplierProfile


class CapabilityInline(admin.StackedInline):
    model = Capability
    extra = 0
    raw_id_fields = ["category"]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    raw_id_fields = ["verified_by"]


class MachineInline(admin.TabularInline):
    model = Machine
    extra = 0


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "published", "verification_status", "readiness_score", "updated_at"]
    list_filter = ["published", "verification_status", "organisation__country"]
    search_fields = ["organisation__legal_name", "summary"]
    raw_id_fields = ["organisation", "verified_by"]
    inlines = [CapabilityInline, CertificationInline, MachineInline]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["profile", "standard", "expires_on", "status", "verification_status"]
    list_filter = ["standard", "status", "verification_status"]
    search_fields = ["profile__organisation__legal_name", "number", "certifying_body"]
    raw_id_fields = ["profile", "verified_by"]


@admin.register(ReadinessDiagnostic)
class ReadinessDiagnosticAdmin(admin.ModelAdmin):
    list_display = ["profile", "assessed_on", "score"]
    raw_id_fields = ["profile", "assessed_by"]


@admin.register(ExposureCount)
class ExposureCountAdmin(admin.ModelAdmin):
    list_display = ("profile", "day", "kind", "count")
    list_filter = ("kind",)
    raw_id_fields = ("profile",)
