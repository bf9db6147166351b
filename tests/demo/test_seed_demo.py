import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.util import get_cc_module

from accounts.models import Membership, Organisation, User
from accounts.tax_ids import validators_for
from buyers.models import Requirement, RequirementInvitation
from demo import data
from demo.generator import DemoWriter, person_name, plan_demo, seed_demo
from demo.progress import Progress
from linkages.models import Linkage, LinkageStageChange, Transaction
from matching.models import Match, MatchRun
from suppliers.models import Capability, Certification, Machine, ReadinessDiagnostic, SupplierProfile

pytestmark = pytest.mark.django_db
MODELS = [
    User,
    Organisation,
    Membership,
    SupplierProfile,
    Capability,
    Machine,
    Certification,
    ReadinessDiagnostic,
    Requirement,
    RequirementInvitation,
    Linkage,
    LinkageStageChange,
    Transaction,
    MatchRun,
    Match,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_small_demo_has_the_expected_mix():
    seed_demo(smes=60, requirements=20)
    smes = Organisation.objects.filter(kind="sme")
    assert smes.count() == 60
    assert Organisation.objects.filter(kind="mnc").count() == 14
    assert Organisation.objects.filter(kind="agency").count() == 2
    assert len(set(smes.values_list("country", flat=True))) >= 5
    languages = set(Capability.objects.values_list("language", flat=True))
    assert {"es", "en"} <= languages
    assert Certification.objects.filter(expires_on__lt=timezone.localdate()).exists()
    assert SupplierProfile.objects.filter(published=False).exists()
    past = Requirement.objects.filter(published_at__lt=timezone.now() - dt.timedelta(days=30))
    assert past.count() == 14 * 3 * 3  # three past needs a year for three years, per buyer
    assert Requirement.objects.count() == 20 + past.count()
    assert Linkage.objects.filter(stage__in=["first_transaction", "repeat_business"]).exists()
    assert Linkage.objects.filter(stage="declined").exists()
    assert Transaction.objects.filter(kind="follow_up").exists()
    open_requirements = Requirement.objects.filter(status="open")
    ranked = MatchRun.objects.filter(status="succeeded").values("requirement").distinct()
    assert ranked.count() == open_requirements.count()
    assert set(Requirement.objects.values_list("visibility", flat=True)) >= {"public", "invited"}
    assert User.objects.get(email="admin@enlace.demo").is_agency_staff
    for profile in SupplierProfile.objects.exclude(readiness_score=None)[:20]:
        assert profile.readiness_score == profile.diagnostics.order_by("-assessed_on", "-id").first().score
    # Every demo person has a name, and the owners and buyers' staff have names of their organisation's country.
    assert not User.objects.filter(full_name="").exists()
    people = Membership.objects.exclude(organisation__kind="agency").select_related("user", "organisation")
    assert people.count() == 60 + 14 * 2
    for membership in people:
        country = str(membership.organisation.country)
        given_and_surnames = membership.user.full_name
        assert any(given_and_surnames.startswith(f"{given} ") for given in data.GIVEN_NAMES[country]), membership
        assert given_and_surnames.split()[-1] in data.SURNAMES[country], membership
    assert len({m.user.full_name for m in people}) > 0.9 * people.count()


def test_every_tax_id_passes_python_stdnum():
    seed_demo(smes=40, requirements=5)
    for organisation in Organisation.objects.exclude(tax_id=""):
        modules = validators_for(str(organisation.country))
        assert modules, organisation.country
        assert any(module.is_valid(organisation.tax_id) for module in modules), (organisation, organisation.tax_id)
    assert get_cc_module("cr", "vat") is not None


def test_running_twice_changes_nothing():
    seed_demo(smes=25, requirements=8)
    before = counts()
    stamp = SupplierProfile.objects.order_by("pk").first().updated_at
    assert seed_demo(smes=25, requirements=8) == {}
    assert counts() == before
    assert SupplierProfile.objects.order_by("pk").first().updated_at == stamp


def test_plan_is_deterministic():
    today = dt.date(2026, 11, 22)
    first = plan_demo(smes=30, requirements=10, today=today)
    second = plan_demo(smes=30, requirements=10, today=today)
    assert [s["legal_name"] for s in first.smes] == [s["legal_name"] for s in second.smes]
    assert [s["tax_id"] for s in first.smes] == [s["tax_id"] for s in second.smes]
    assert [r["title"] for r in first.requirements] == [r["title"] for r in second.requirements]


def test_command_reports_each_stage_then_lists_the_accounts():
    out = io.StringIO()
    call_command("seed_demo", smes=10, requirements=3, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Seeding the demo (10 SMEs, 3 open requirements)")
    stamped = [line for line in lines if line.startswith("[")]
    assert all(re.match(r"^\[ *\d+\.\d s\] ", line) for line in stamped), stamped
    seconds = [float(re.match(r"^\[ *(\d+\.\d) s\]", line).group(1)) for line in stamped]
    assert seconds == sorted(seconds)
    # Each stage announced, then closed with how long it took and what it created.
    stages = {}
    for line in stamped:
        text = line.split("] ", 1)[1]
        if text.endswith(" …"):
            title = text.removesuffix(" …")
        elif text.startswith("  done in "):
            stages[title] = text
    assert len(stages) == 11  # … message threads on demo linkages (conversations)
    assert re.search(
        r"10 supplier profiles", stages["writing agencies, buyers, SMEs with their profiles, and requirements"]
    )
    assert re.match(
        r"^  done in \d+\.\d s: 126 past requirements, \d+ linkages",
        stages["history: past requirements ranked, contacted and bought from"],
    )
    assert re.search(
        r"\d+ match runs", stages["matching: ranking open requirements, training the first learned ranker"]
    )
    assert re.search(r"\d+ message threads", stages["message threads on demo linkages"])
    assert re.match(r"^Demo data ready in \d+\.\d s\.$", lines[-1])

    out = io.StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    text = out.getvalue()
    assert "agency staff" in text
    assert "buyer@" in text
    assert "SME supplier" in text
    assert "enlace-demo-2026" in text


def test_a_long_stage_says_how_far_it_got_every_interval():
    now = [0.0]
    lines = []
    progress = Progress(lines.append, interval=5, clock=lambda: now[0])
    with progress.stage("history") as stage:
        for done in range(1, 101):
            now[0] += 0.25  # 25 s in all: a line every 5 s, none for the last item
            stage.step(done, 100, "past requirements")
        stage.add({"past requirements": 100, "linkages": 0, "transactions": 7})
    assert lines == [
        "[   0.0 s] history …",
        "[   5.0 s]   20/100 past requirements",
        "[  10.0 s]   40/100 past requirements",
        "[  15.0 s]   60/100 past requirements",
        "[  20.0 s]   80/100 past requirements",
        "[  25.0 s]   done in 25.0 s: 100 past requirements, 7 transactions",
    ]
    with progress.stage("nothing to do"):
        pass
    assert lines[-1] == "[  25.0 s]   done in 0.0 s: nothing new"
    Progress(None).line("nowhere")  # without a writer it says nothing (and does not fail)


def test_people_are_named_as_in_their_country_the_same_on_every_run():
    for country in data.COUNTRY_WEIGHTS:
        name = person_name(f"owner@example-{country}.demo", country)
        assert name == person_name(f"owner@example-{country}.demo", country)
        assert any(name.startswith(f"{given} ") for given in data.GIVEN_NAMES[country])
        first, second = name.split()[-2:]
        assert {first, second} <= set(data.SURNAMES[country])
        assert first != second
    assert data.GIVEN_NAMES.keys() == data.SURNAMES.keys() == data.COUNTRY_WEIGHTS.keys()


def test_a_demo_seeded_before_people_had_names_gets_them_once():
    unnamed = User.objects.create(email="owner@taller-1.demo")
    named = User.objects.create(email="buyer@x.demo", full_name="Name Chosen By Its Owner")
    writer = DemoWriter(today=dt.date(2026, 11, 22))
    writer.user(unnamed.email, "Ana Soto Díaz")
    writer.user(named.email, "Luis Vargas Mora")
    writer.user(unnamed.email, "Someone Else")
    unnamed.refresh_from_db()
    named.refresh_from_db()
    assert unnamed.full_name == "Ana Soto Díaz"
    assert named.full_name == "Name Chosen By Its Owner"
    assert writer.created == {"names given": 1}
