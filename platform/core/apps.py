from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter

        from .limits import IdConverter

        # `<rowid:pk>` in any app's URLs: a row id that fits 64 bits; a longer number matches no URL (404).
        register_converter(IdConverter, "rowid")
