from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from buyers.models import Requirement
from matching import services
from matching.models import MatchRun
from matching.state import engine_state


class Command(BaseCommand):
    help = "Rank suppliers for open requirements now, in this process (agency staff's batch tool)."

    def add_arguments(self, parser):
        parser.add_argument("requirements", nargs="*", type=int, help="requirement ids")
        parser.add_argument("--all-open", action="store_true", help="every open requirement")
        parser.add_argument("--queue", action="store_true", help="queue the runs for the workers instead")
        parser.add_argument("--rebuild", action="store_true", help="rebuild the engine's index from scratch first")

    def handle(self, *args, requirements, all_open, queue, rebuild, **options):
        if not requirements and not all_open:
            raise CommandError("name requirement ids or pass --all-open")
        selected = Requirement.objects.order_by("pk")
        selected = selected.filter(status=Requirement.Status.OPEN) if all_open else selected.filter(pk__in=requirements)
        missing = set(requirements) - set(selected.values_list("pk", flat=True))
        if missing and not all_open:
            raise CommandError(f"no requirement with id {', '.join(map(str, sorted(missing)))}")
        if rebuild:
            engine_state.reset()
            engine_state.rebuild()
        outcome = dict.fromkeys(MatchRun.Status.values, 0)
        for requirement in tqdm(list(selected), desc="matching", unit="req", disable=options["verbosity"] == 0):
            if queue:
                run, _created = services.request_match_run(requirement=requirement, trigger=MatchRun.Trigger.COMMAND)
            else:
                run = services.run_now(requirement=requirement)
            outcome[run.status] += 1
        summary = ", ".join(f"{count} {status}" for status, count in outcome.items() if count)
        self.stdout.write(f"{selected.count()} requirements: {summary or 'nothing to do'}")
