from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "dedupe_key"]
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed e-mails again"))
    def send_again(self, request, queryset):
        count = outbox.resend(email_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)s e-mails queued again.") % {"count": count})

    def has_add_permission(self, request):
        return False
