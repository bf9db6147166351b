from django.contrib import admin

from .models import Message, MessageAttachment, ReadMarker, Thread


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["author", "side", "body", "created_at"]
    readonly_fields = fields


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "buyer", "supplier", "last_message_at"]
    list_filter = ["kind"]
    raw_id_fields = ["linkage", "response", "buyer", "supplier"]
    inlines = [MessageInline]


@admin.register(MessageAttachment)
class MessageAttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "content_type", "size", "message"]
    raw_id_fields = ["message"]


@admin.register(ReadMarker)
class ReadMarkerAdmin(admin.ModelAdmin):
    list_display = ["thread", "user", "last_read_id", "read_at"]
    raw_id_fields = ["thread", "user"]
