from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Connect to the signals of the apps below: matching, linkages, events and development; responses and
        # awards; messages; forecasts; saved searches.
        from . import (  # noqa: F401
            receivers,
            receivers_alerts,
            receivers_conversations,
            receivers_forecasts,
            receivers_marketplace,
        )
