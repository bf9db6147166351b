from django.core.management.base import BaseCommand

from matching import services
from matching.management.evaluation_arguments import add_evaluation_arguments, evaluation_options


class Command(BaseCommand):
    help = (
        "Hit@1/5/k, MRR and NDCG@k with 95% bootstrap intervals of the active ranker, the default weights and the "
        "baseline 'suppliers this buyer used for this code, then the most awarded' on a time split of the "
        "platform's history (imported award history included), on all queries and on new buyer-supplier pairs, "
        "with newcomer exposure and the cost of the agency's newcomer places."
    )

    def add_arguments(self, parser):
        add_evaluation_arguments(parser)

    def handle(self, *args, **options):
        table, cutoff = services.evaluate_matching(
            cutoff=options["cutoff"], k=options["k"], options=evaluation_options(options)
        )
        self.stdout.write(f"Requirements published on or after {cutoff} with a known outcome (k = {options['k']}):\n")
        self.stdout.write(table.format())
        if not any(row["queries"] for row in table.rows.values()):
            self.stdout.write("\nNo requirement after the cutoff has a recorded outcome yet: nothing to measure.")
