import datetime as dt
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from interchange import ocds_export
from interchange.validation import release_errors, release_package_errors


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: “{value}” is not a date (YYYY-MM-DD) or an ISO 8601 date-time")
        moment = dt.datetime.combine(day, dt.time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "The platform's linkages, transactions and open requirements as one OCDS 1.1 release package (a compiled "
        "release per contracting process), every release checked against the OCDS 1.1.5 schema as it is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="a file to write; standard output by default")
        parser.add_argument("--ocid", action="append", default=[], help="only this process (repeatable)")
        parser.add_argument("--since", help="only processes changed on or after this date or date-time")
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="leave out requirements for invited suppliers or agency staff only, and their linkages",
        )
        parser.add_argument("--uri", default="", help="the package's uri (where it will be published)")
        parser.add_argument("--no-validate", action="store_true", help="skip the schema check (faster)")

    def handle(self, *args, output, ocid, since, public_only, uri, no_validate, **options):
        scope = ocds_export.whole_platform(public_only=public_only)
        found = ocds_export.processes(scope, ocids=ocid, since=_since(since))
        if not found:
            raise CommandError("nothing to export: no open requirement and no linkage with a transaction matches")
        uri = uri or settings.SITE_URL.rstrip("/") + reverse("api:ocds-releases")
        validate = not no_validate
        if validate:
            # The releases are checked one by one as they are written; here the package's own fields.
            envelope = {**ocds_export.package_envelope(uri=uri), "releases": [{}]}
            problems = [p for p in release_package_errors(envelope) if not p.path.startswith("$.releases")]
            if problems:
                raise CommandError("the package metadata is not valid OCDS: " + "; ".join(map(str, problems)))
        progress = tqdm(
            total=len(found), desc="exporting", unit="process", disable=not output or options["verbosity"] == 0
        )

        def check(release: dict) -> None:
            problems = release_errors(release, limit=5) if validate else []
            if problems:
                raise CommandError(f"release {release['ocid']} is not valid OCDS: " + "; ".join(map(str, problems)))
            progress.update(1)

        # Written aside and moved into place only when every release passed: a failed export leaves no half file.
        target_dir = Path(output).resolve().parent if output else None
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target_dir, suffix=".partial", delete=False) as tmp:
            try:
                tmp.writelines(ocds_export.package_chunks(found=found, scope=scope, uri=uri, check=check))
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
            finally:
                progress.close()
        if output:
            os.replace(tmp.name, output)
            self.stderr.write(f"{len(found)} releases written to {output}")
        else:
            with open(tmp.name, encoding="utf-8") as done:
                for chunk in iter(lambda: done.read(1 << 16), ""):
                    self.stdout.write(chunk, ending="")  # Django's wrapper would end every chunk with a newline
            os.unlink(tmp.name)
