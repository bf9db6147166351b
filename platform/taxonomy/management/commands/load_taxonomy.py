from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from taxonomy.services import load_cpv_file, load_reference_data


class Command(BaseCommand):
    help = "Load the shipped categories (CPV 2008), industries (ISIC Rev.4) and certification standards."

    def add_arguments(self, parser):
        parser.add_argument("--cpv", help="also load a full official CPV export (CSV: CODE, EN, ES, PT columns)")

    def handle(self, *args, cpv=None, **options):
        for table, counts in load_reference_data().items():
            self.stdout.write(f"{table}: {counts['created']} created, {counts['updated']} updated")
        if cpv:
            try:
                counts = load_cpv_file(path=cpv)
            except (ValidationError, OSError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{cpv}: {counts['created']} categories created, {counts['updated']} updated")
