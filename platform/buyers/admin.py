from django.contrib import admin

from .models import RequiredCertification, Requirement, RequirementInvitation


class RequiredCertificationInline(admin.TabularInline):
    model = RequiredCertification
    extra = 0


class InvitationInline(admin.TabularInline):
    model = RequirementInvitation
    extra = 0
    raw_id_fields = ["supplier", "invited_by"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "status", "visibility", "needed_by", "created_at"]
    list_filter = ["status", "visibility", "delivery_country"]
    search_fields = ["title", "specification", "buyer__legal_name"]
    raw_id_fields = ["buyer", "created_by"]
    filter_horizontal = ["categories"]
    inlines = [RequiredCertificationInline, InvitationInline]
