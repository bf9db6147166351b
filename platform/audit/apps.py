from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from . import middleware, registry

        registry.register_models()
        pre_save.connect(middleware.set_actor_from_request, sender=LogEntry, dispatch_uid="audit.actor_from_request")
