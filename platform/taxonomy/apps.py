from django.apps import AppConfig
from django.db.models.signals import post_migrate


def load_reference_data_when_empty(sender, using="default", **kwargs):
    """A fresh `migrate` leaves a usable platform: the shipped taxonomies are loaded once, when empty, and again
    when the CPV table holds fewer codes than shipped (a database from before the whole CPV 2008 was shipped)."""
    from .models import Category, CertificationStandard, Industry
    from .services import SHIPPED_CPV_CODES, load_industries, load_reference_data

    if not (
        Category.objects.using(using).filter(scheme="CPV").count() >= SHIPPED_CPV_CODES
        and Industry.objects.using(using).exists()
        and CertificationStandard.objects.using(using).exists()
    ):
        load_reference_data()
    elif Industry.objects.using(using).filter(name_pt="").exists():
        load_industries()  # a database from before the ISIC names were shipped in Spanish and Portuguese


class TaxonomyConfig(AppConfig):
    name = "taxonomy"

    def ready(self):
        post_migrate.connect(load_reference_data_when_empty, sender=self, dispatch_uid="taxonomy-reference-data")
