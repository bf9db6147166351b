import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from matching import services


class Command(BaseCommand):
    help = (
        "Hit@k, MRR and NDCG@k of the engine on the platform's own linkage history (a time split), beside the "
        "baseline 'suppliers this buyer used in this category, then the most awarded in it'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", type=dt.date.fromisoformat, help="evaluate on requirements from this day")
        parser.add_argument("-k", type=int, default=10)

    def handle(self, *args, cutoff, k, **options):
        if k < 1:
            raise CommandError("-k must be at least 1")
        table, cutoff = services.evaluate_matching(cutoff=cutoff, k=k)
        self.stdout.write(f"Requirements published on or after {cutoff} with a known outcome (k = {k}):\n")
        self.stdout.write(table.format())
        if not any(row["queries"] for row in table.rows.values()):
            self.stdout.write("\nNo requirement after the cutoff has a recorded outcome yet: nothing to measure.")
