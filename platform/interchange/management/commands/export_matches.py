import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interchange.exports import matches_lines


class Command(BaseCommand):
    help = (
        "One JSON line per open requirement with its best matches, after making sure each has a finished match "
        "run: {ocid, requirement, matches: [{rank, score, supplier: {id, name, identifier}}]}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", default="jsonl", choices=["jsonl"])
        parser.add_argument("--ocid", action="append", default=[], help="only this ocid (repeatable)")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--output", help="a file to write; standard output by default")

    def handle(self, *args, ocid, top, output, **options):
        if top < 1:
            raise CommandError("--top must be at least 1")
        stream = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115 — closed below
        try:
            lines = matches_lines(ocids=ocid, top=top)
            for line in tqdm(lines, desc="exporting", unit="req", disable=not output or options["verbosity"] == 0):
                stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        finally:
            if output:
                stream.close()
