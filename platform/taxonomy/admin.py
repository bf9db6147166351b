from django.contrib import admin

from .models import Category, CertificationStandard, Industry


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "level", "parent"]
    list_filter = ["scheme", "level"]
    search_fields = ["code", "name_en", "name_es", "name_pt"]
    raw_id_fields = ["parent"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_en", "name_es"]
    raw_id_fields = ["parent"]


@admin.register(CertificationStandard)
class CertificationStandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuing_body", "typical_validity_years"]
    search_fields = ["code", "name", "issuing_body"]
