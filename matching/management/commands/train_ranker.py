import datetime as dt

from django.core.management.base import BaseCommand

from matching import services


class Command(BaseCommand):
    help = "Train a ranker on linkage outcomes; it replaces the current one only if it evaluates better."

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", type=dt.date.fromisoformat, help="train before, evaluate from this day")

    def handle(self, *args, cutoff, **options):
        model = services.train_ranker(cutoff=cutoff)
        if model is None:
            self.stdout.write("Not enough outcomes to train on (both positive and negative ones are needed).")
            return
        self.stdout.write(model.table.format())
        verdict = "promoted: it is now the active ranker" if model.promoted else "kept the current ranker"
        self.stdout.write(f"\n{model.version}: trained on {model.training_examples} examples; {verdict}.")
