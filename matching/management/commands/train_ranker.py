from django.core.management.base import BaseCommand

from matching import services
from matching.management.evaluation_arguments import add_evaluation_arguments, evaluation_options


class Command(BaseCommand):
    help = (
        "Train rankers (gradient-boosted trees and a logistic model) on linkage outcomes and imported award "
        "history before the cutoff; the best replaces the current ranker only if it evaluates better after it."
    )

    def add_arguments(self, parser):
        add_evaluation_arguments(parser)

    def handle(self, *args, **options):
        model = services.train_ranker(cutoff=options["cutoff"], k=options["k"], options=evaluation_options(options))
        if model is None:
            self.stdout.write("Not enough outcomes to train on (both positive and negative ones are needed).")
            return
        self.stdout.write(model.table.format())
        verdict = "promoted: it is now the active ranker" if model.promoted else "kept the current ranker"
        self.stdout.write(f"\n{model.version}: trained on {model.training_examples} examples; {verdict}.")
