from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interchange.services import import_file
from matching import services as matching_services


class Command(BaseCommand):
    help = (
        "Import OCDS files (release or record packages, 1.0 or 1.1, JSON Lines, .gz): parties become organisations, "
        "awards linkages with their first transaction, payments follow-up transactions, open tenders requirements. "
        "Each file is imported whole or not at all; importing it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--country", default="", help="ISO 3166 alpha-2 for parties whose country the data does not tell"
        )
        parser.add_argument(
            "--no-train",
            action="store_true",
            help="do not train a ranker on imported award history at the end (train later with train_ranker)",
        )

    def handle(self, *args, paths, country, no_train, **options):
        quiet = options["verbosity"] == 0
        rejected = 0
        totals: dict[str, int] = {}
        for path in paths:
            with tqdm(total=0, desc=path.split("/")[-1][:40], unit="release", disable=quiet) as bar:

                def progress(done, total, bar=bar):
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                report = import_file(
                    path=path,
                    default_country=country,
                    progress=progress,
                    max_expanded_bytes=settings.OCDS_COMMAND_MAX_EXPANDED_BYTES,  # the operator chose the file
                )
            if report.rejected:
                rejected += 1
                self.stderr.write(f"REJECTED {report.rejected}")
                continue
            for name, count in report.counts.items():
                totals[name] = totals.get(name, 0) + count
        for name, count in sorted(totals.items()):
            self.stdout.write(f"{name:<50} {count:>8}")
        self.stdout.write(f"{len(paths) - rejected} file(s) imported, {rejected} rejected.")
        if totals.get("historic requirements created") and not no_train:
            self.stdout.write("Training a ranker on the award history (skip with --no-train)…")
            model = matching_services.train_ranker()
            if model is None:
                self.stdout.write("Not enough outcomes to train on yet.")
            else:
                self.stdout.write(model.table.format())
                verdict = "promoted: it is now the active ranker" if model.promoted else "kept the current ranker"
                self.stdout.write(f"\n{model.version}: trained on {model.training_examples} examples; {verdict}.")
        if rejected:
            raise CommandError(f"{rejected} file(s) rejected; nothing from them was written.")
