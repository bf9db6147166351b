"""An SME's opportunities are stored fits: written by runs and by its own profile's changes, read without the engine."""

import pytest
from django.core.cache import cache

from matching import selectors, services
from matching.models import MatchRun, Opportunity
from matching.state import engine_state
from suppliers import services as supplier_services
from tests import factories

pytestmark = pytest.mark.django_db


def _owner(profile):
    return factories.SmeOwnerFactory(membership=profile.organisation)


def test_a_run_stores_the_fit_of_every_ranked_supplier(titanium):
    run = services.run_now(requirement=titanium["requirement"])

    fits = {fit.supplier_id: fit for fit in Opportunity.objects.filter(requirement=titanium["requirement"])}
    ranked = dict(run.matches.values_list("supplier_id", "score"))
    assert set(fits) == set(ranked)
    for supplier_id, score in ranked.items():
        assert fits[supplier_id].eligible
        assert fits[supplier_id].score == pytest.approx(score)
        assert fits[supplier_id].model_version == run.model_version


def test_a_run_tells_suppliers_excluded_by_a_missing_certificate_and_not_the_off_topic(titanium):
    requirement = titanium["requirement"]
    standard = factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485")
    factories.RequiredCertificationFactory(requirement=requirement, standard=standard, mandatory=True)
    factories.CertificationFactory(profile=titanium["fit"], standard=standard)
    unpublished = factories.CapabilityFactory(
        profile=factories.SupplierProfileFactory(published=False), category=requirement.categories.get()
    ).profile

    services.run_now(requirement=requirement)

    fits = {fit.supplier_id: fit for fit in Opportunity.objects.filter(requirement=requirement)}
    assert fits[titanium["fit"].pk].eligible
    assert not fits[titanium["near"].pk].eligible
    assert fits[titanium["near"].pk].excluded_because == ["missing_mandatory_certification"]
    assert unpublished.pk not in fits  # buyers cannot see it: nothing is worked out for it


def test_the_depth_bounds_what_a_run_stores_but_rows_already_there_stay_fresh(titanium, settings):
    settings.MATCHING_OPPORTUNITY_DEPTH = 1
    settings.MATCHING_TOP_K = 1
    requirement = titanium["requirement"]
    services.run_now(requirement=requirement)
    assert list(Opportunity.objects.filter(requirement=requirement).values_list("supplier_id", flat=True)) == [
        titanium["fit"].pk
    ]

    services.refresh_supplier_opportunities(profile_id=titanium["off"].pk)
    first = Opportunity.objects.get(requirement=requirement, supplier=titanium["off"])
    services.run_now(requirement=requirement)

    again = Opportunity.objects.get(requirement=requirement, supplier=titanium["off"])
    assert again.computed_at > first.computed_at
    assert again.score == pytest.approx(first.score)


def test_a_supplier_refresh_covers_every_requirement_it_may_see_and_only_those(titanium):
    visible = titanium["requirement"]
    invited_elsewhere = factories.RequirementFactory(visibility="invited", title="Invitation only")
    agency_only = factories.RequirementFactory(visibility="agency", title="Agency only")
    closed = factories.RequirementFactory(status="closed")

    written = services.refresh_supplier_opportunities(profile_id=titanium["fit"].pk)

    assert written == 1
    assert list(Opportunity.objects.filter(supplier=titanium["fit"]).values_list("requirement_id", flat=True)) == [
        visible.pk
    ]
    assert not Opportunity.objects.filter(requirement__in=[invited_elsewhere, agency_only, closed]).exists()


def test_an_unpublished_profile_loses_its_stored_fits(titanium):
    services.run_now(requirement=titanium["requirement"])
    profile = titanium["fit"]
    supplier_services.set_published(profile=profile, actor=_owner(profile), published=False)

    assert services.refresh_supplier_opportunities(profile_id=profile.pk) == 0
    assert not Opportunity.objects.filter(supplier=profile).exists()


def test_the_inbox_lists_fits_first_then_exclusions_then_the_unassessed(titanium):
    requirement = titanium["requirement"]
    services.run_now(requirement=requirement)
    profile = titanium["fit"]
    later = factories.RequirementFactory(title="Not ranked yet")
    excluded = factories.RequirementFactory(title="Needs a certificate")
    Opportunity.objects.create(
        requirement=excluded,
        supplier=profile,
        eligible=False,
        excluded_because=["missing_mandatory_certification"],
        computed_at=requirement.created_at,
    )

    inbox = selectors.inbox(profile=profile)

    assert [(r.pk, fit is not None and fit.eligible) for r, fit in inbox] == [
        (requirement.pk, True),
        (excluded.pk, False),
        (later.pk, False),
    ]
    assert inbox[2][1] is None


def test_no_page_or_api_call_loads_the_engine(titanium, client, client_for, monkeypatch):
    services.run_now(requirement=titanium["requirement"])
    engine_state.reset()

    def forbidden(*args, **kwargs):
        raise AssertionError("a web request loaded the engine state")

    monkeypatch.setattr(engine_state, "snapshot", forbidden)
    owner = _owner(titanium["fit"])
    client.force_login(owner)

    page = client.get("/opportunities/")
    api = client_for(owner).get("/api/v1/suppliers/me/opportunities/")

    assert page.status_code == 200
    assert api.status_code == 200
    assert titanium["requirement"].title in page.content.decode()
    assert api.json()["results"][0]["assessed"] is True
    assert engine_state.candidates is None
    assert engine_state.index is None


def test_the_api_says_which_fits_were_not_worked_out(titanium, client_for):
    services.run_now(requirement=titanium["requirement"])
    fresh = factories.RequirementFactory(title="Published a minute ago")
    body = client_for(_owner(titanium["fit"])).get("/api/v1/suppliers/me/opportunities/").json()

    unassessed = next(row for row in body["results"] if row["requirement"] == fresh.pk)
    assert unassessed == unassessed | {"assessed": False, "score": None, "eligible": None, "computed_at": None}


def test_an_unpublished_profile_change_queues_no_rematch(monkeypatch, django_capture_on_commit_callbacks):
    from matching import receivers

    cache.delete(receivers.REMATCH_PENDING_KEY)
    factories.RequirementFactory()
    sent = []
    monkeypatch.setattr(services, "request_opportunity_refresh", lambda **kw: sent.append("refresh"))
    monkeypatch.setattr(receivers, "_send_rematch", lambda window: sent.append("rematch"))
    profile = factories.SupplierProfileFactory(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        supplier_services.add_capability(
            profile=profile, actor=_owner(profile), category=factories.CategoryFactory(), description="Forja"
        )
    assert sent == []

    published = factories.SupplierProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        supplier_services.add_capability(
            profile=published, actor=_owner(published), category=factories.CategoryFactory(), description="Forja"
        )
    assert sent == ["refresh", "rematch"]
    cache.delete(receivers.REMATCH_PENDING_KEY)
    assert not MatchRun.objects.exists()


def test_a_refresh_is_queued_once_until_it_starts(monkeypatch, django_capture_on_commit_callbacks):
    from matching import tasks

    profile = factories.SupplierProfileFactory()
    cache.delete(selectors.opportunities_pending_key(profile.pk))
    sent = []
    monkeypatch.setattr(tasks.refresh_supplier_opportunities, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_opportunity_refresh(profile=profile)
        assert not services.request_opportunity_refresh(profile=profile)
    assert sent == [{"args": [profile.pk], "countdown": services.OPPORTUNITY_REFRESH_DELAY_SECONDS}]
    assert selectors.opportunity_refresh_pending(profile=profile)

    services.refresh_supplier_opportunities(profile_id=profile.pk)  # starting clears the mark
    assert not selectors.opportunity_refresh_pending(profile=profile)
