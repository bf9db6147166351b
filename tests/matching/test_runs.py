"""Match runs against PostgreSQL: results written atomically, idempotent execution, the engine kept up to date."""

import math

import pytest

from matching import selectors, services
from matching.models import Match, MatchRun
from matching.state import engine_state
from suppliers import services as supplier_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_run_ranks_the_fitting_supplier_first_and_its_components_add_up(titanium):
    run = services.run_now(requirement=titanium["requirement"])

    assert run.status == MatchRun.Status.SUCCEEDED
    ranked = list(run.matches.order_by("rank"))
    assert [m.supplier_id for m in ranked][:2] == [titanium["fit"].pk, titanium["near"].pk]
    assert ranked[0].score > ranked[1].score > ranked[-1].score
    for match in ranked:
        assert math.isclose(math.fsum(match.components.values()), match.score, abs_tol=1e-9)
    assert run.candidates == 3
    assert run.eligible == 3
    assert run.excluded == 0
    assert run.engine_version
    assert run.model_version.startswith("default-")
    assert set(run.timings_ms) >= {"constraints", "text", "features", "scoring", "total"}


def test_mandatory_certificate_excludes_and_says_why(titanium):
    standard = factories.CertificationStandardFactory(code="iso-13485")
    factories.RequiredCertificationFactory(requirement=titanium["requirement"], standard=standard, mandatory=True)
    factories.CertificationFactory(profile=titanium["fit"], standard=standard)

    run = services.run_now(requirement=titanium["requirement"])

    assert list(run.matches.values_list("supplier_id", flat=True)) == [titanium["fit"].pk]
    assert run.excluded == 2
    assert run.excluded_by_reason == {"missing_mandatory_certification": 2}


def test_gaps_name_what_the_supplier_lacks(titanium):
    standard = factories.CertificationStandardFactory(code="iso-9001")
    factories.RequiredCertificationFactory(requirement=titanium["requirement"], standard=standard, mandatory=False)

    run = services.run_now(requirement=titanium["requirement"])

    near = run.matches.get(supplier=titanium["near"])
    codes = [gap["code"] for gap in near.gaps]
    assert "missing_preferred_certification" in codes
    assert "no_readiness_diagnostic" in codes
    assert all(gap["gain"] > 0 for gap in near.gaps)
    assert [gap["gain"] for gap in near.gaps] == sorted((gap["gain"] for gap in near.gaps), reverse=True)


def test_executing_a_finished_run_again_changes_nothing(titanium):
    run = services.run_now(requirement=titanium["requirement"])
    before = list(run.matches.values_list("pk", "rank", "score"))

    again = services.execute_match_run(run_id=run.pk)

    assert again.status == MatchRun.Status.SUCCEEDED
    assert list(again.matches.values_list("pk", "rank", "score")) == before
    assert MatchRun.objects.get(pk=run.pk).attempts == 1


def test_a_run_interrupted_after_it_started_is_redone_whole(titanium):
    """A killed worker leaves a run 'running' with no matches; the redelivered task completes it."""
    run = MatchRun.objects.create(requirement=titanium["requirement"], status=MatchRun.Status.RUNNING, attempts=1)

    done = services.execute_match_run(run_id=run.pk)

    assert done.status == MatchRun.Status.SUCCEEDED
    assert done.attempts == 2
    assert done.matches.count() == 3


def test_requesting_twice_reuses_the_queued_run(titanium, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = services.request_match_run(requirement=titanium["requirement"])
        second, created_second = services.request_match_run(requirement=titanium["requirement"])

    assert first.pk == second.pk
    assert created_first
    assert not created_second
    assert sent == [first.pk]


def test_a_broker_outage_leaves_the_run_queued_and_requeue_sends_it(titanium, monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from matching import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.match_requirement, "apply_async", broker_down)
    run = MatchRun.objects.create(requirement=titanium["requirement"])
    services._enqueue(run.pk)  # what on_commit would do: it must not raise
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED

    sent = []
    monkeypatch.setattr(tasks.match_requirement, "apply_async", lambda args: sent.append(args))
    MatchRun.objects.filter(pk=run.pk).update(created_at=run.created_at.replace(year=run.created_at.year - 1))
    assert services.requeue_stalled_runs() == 1
    assert sent == [[run.pk]]


def test_runs_that_keep_failing_are_given_up(titanium):
    run = MatchRun.objects.create(requirement=titanium["requirement"], attempts=services.MAX_ATTEMPTS)
    MatchRun.objects.filter(pk=run.pk).update(created_at=run.created_at.replace(year=run.created_at.year - 1))

    assert services.requeue_stalled_runs() == 0
    failed = MatchRun.objects.get(pk=run.pk)
    assert failed.status == MatchRun.Status.FAILED
    assert "attempts" in failed.error


def test_the_engine_follows_supplier_changes_without_rebuilding(titanium):
    # Enough suppliers that one change stays under the index's refit threshold (a tiny index is simply refitted).
    factories.CapabilityFactory.create_batch(12, category=titanium["off"].capabilities.get().category)
    services.run_now(requirement=titanium["requirement"])
    assert engine_state.refreshes["full"] == 1
    newcomer = factories.SupplierProfileFactory()
    supplier_services.add_capability(
        profile=newcomer,
        actor=factories.SmeOwnerFactory(membership=newcomer.organisation),
        category=titanium["requirement"].categories.get(),
        description="Titanium grade 5 CNC machining of orthopaedic implant components",
        language="en",
    )

    run = services.run_now(requirement=titanium["requirement"])

    assert engine_state.refreshes == {"full": 1, "incremental": 1, "loaded": 0}
    assert newcomer.pk in set(run.matches.values_list("supplier_id", flat=True))


def test_an_unpublished_supplier_leaves_the_rankings(titanium):
    services.run_now(requirement=titanium["requirement"])
    owner = factories.SmeOwnerFactory(membership=titanium["fit"].organisation)
    supplier_services.set_published(profile=titanium["fit"], actor=owner, published=False)

    run = services.run_now(requirement=titanium["requirement"])

    assert titanium["fit"].pk not in set(run.matches.values_list("supplier_id", flat=True))


def test_a_new_process_loads_the_saved_index_instead_of_rebuilding(titanium):
    services.run_now(requirement=titanium["requirement"])
    engine_state.reset()  # as a freshly started worker

    services.run_now(requirement=titanium["requirement"])

    assert engine_state.refreshes["loaded"] == 1
    assert engine_state.refreshes["full"] == 0


def test_latest_finished_run_is_what_readers_get(titanium):
    first = services.run_now(requirement=titanium["requirement"])
    MatchRun.objects.create(requirement=titanium["requirement"])  # queued, not finished

    assert selectors.latest_finished_run(requirement=titanium["requirement"]) == first
    assert Match.objects.filter(run=first).count() == 3
