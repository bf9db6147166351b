import datetime as dt
import io

import pytest
from demo.generator import plan_demo, seed_demo
from django.core.management import call_command
from django.utils import timezone
from stdnum.util import get_cc_module

from accounts.models import Membership, Organisation, User
from accounts.tax_ids import validators_for
from buyers.models import Requirement, RequirementInvitation
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


def test_accounts_listing_names_every_role():
    seed_demo(smes=10, requirements=3)
    out = io.StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    text = out.getvalue()
    assert "agency staff" in text
    assert "buyer@" in text
    assert "SME supplier" in text
    assert "enlace-demo-2026" in text
