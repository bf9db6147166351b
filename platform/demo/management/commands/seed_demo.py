import time

from auditlog.context import disable_auditlog
from django.core.management.base import BaseCommand

from demo.generator import DEMO_PASSWORD, demo_accounts, seed_demo
from demo.progress import Progress


class Command(BaseCommand):
    help = "Create realistic demo data (deterministic; running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--smes", type=int, default=300)
        parser.add_argument("--requirements", type=int, default=50)
        parser.add_argument("--accounts", action="store_true", help="only list the demo sign-in accounts")

    def handle(self, *args, smes, requirements, accounts, **options):
        if accounts:
            self.stdout.write(f"{'role':<22} {'e-mail':<46} organisation")
            for role, email, organisation in demo_accounts():
                self.stdout.write(f"{role:<22} {email:<46} {organisation}")
            self.stdout.write(f"Password of every demo account: {DEMO_PASSWORD}")
            return
        started = time.perf_counter()
        # Each stage as it starts, how far a long one has got (every few seconds) and what it made; -v 0: none.
        progress = Progress(self.stdout.write if options["verbosity"] > 0 else None, clock=time.perf_counter)
        if options["verbosity"] > 0:
            self.stdout.write(f"Seeding the demo ({smes} SMEs, {requirements} open requirements); this takes minutes.")
        # Synthetic history is not anybody's change: the audit trail starts with the first person who signs in.
        with disable_auditlog():
            created = seed_demo(smes=smes, requirements=requirements, progress=progress)
        elapsed = time.perf_counter() - started
        if not created:
            self.stdout.write(f"Demo data already present; nothing changed ({elapsed:.1f} s).")
            return
        self.stdout.write(f"{'created':<20} {'rows':>6}")
        for name, count in created.items():
            self.stdout.write(f"{name:<20} {count:>6}")
        self.stdout.write(f"Demo data ready in {elapsed:.1f} s.")
