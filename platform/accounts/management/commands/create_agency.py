from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import create_agency


class Command(BaseCommand):
    help = "Create a verified agency organisation and its first staff member (agencies cannot sign up themselves)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. CR")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="for a new user; omit to set it later with changepassword")

    def handle(self, *args, name, country, email, password=None, **options):
        try:
            agency = create_agency(legal_name=name, country=country, owner_email=email, password=password)
        except ValidationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Agency {agency} created; {email} is its owner."))
