from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interchange.services import import_file


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

    def handle(self, *args, paths, country, **options):
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
        if rejected:
            raise CommandError(f"{rejected} file(s) rejected; nothing from them was written.")
