"""What queues a run: a requirement published or changed, a supplier's change (debounced)."""

import pytest
from django.core.cache import cache

from buyers import services as buyer_services
from matching import receivers, services
from matching.models import MatchRun
from suppliers import services as supplier_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    return sent


def test_publishing_a_requirement_queues_its_run(django_capture_on_commit_callbacks, queued):
    requirement = factories.RequirementFactory(status="draft")
    requirement.categories.set([factories.CategoryFactory()])
    owner = factories.UserFactory()
    factories.MembershipFactory(user=owner, organisation=requirement.buyer, role="owner")
    with django_capture_on_commit_callbacks(execute=True):
        buyer_services.change_status(requirement=requirement, actor=owner, to_status="open")

    run = MatchRun.objects.get(requirement=requirement)
    assert run.trigger == MatchRun.Trigger.PUBLISHED
    assert queued == [run.pk]


def test_supplier_changes_are_debounced_into_one_rematch(django_capture_on_commit_callbacks, monkeypatch, settings):
    settings.MATCHING_REMATCH_DEBOUNCE_SECONDS = 60
    cache.delete(receivers.REMATCH_PENDING_KEY)
    from matching import tasks

    scheduled = []
    monkeypatch.setattr(tasks.rematch_open_requirements, "apply_async", lambda **kw: scheduled.append(kw))
    profile = factories.SupplierProfileFactory()
    owner = factories.SmeOwnerFactory(membership=profile.organisation)
    category = factories.CategoryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        supplier_services.add_capability(profile=profile, actor=owner, category=category, description="Forja de acero")
    with django_capture_on_commit_callbacks(execute=True):
        supplier_services.add_capability(profile=profile, actor=owner, category=category, description="Fundición")

    assert scheduled == [{"args": [], "countdown": 60}]
    cache.delete(receivers.REMATCH_PENDING_KEY)


def test_a_supplier_change_is_saved_when_the_broker_is_down(django_capture_on_commit_callbacks, monkeypatch):
    """The re-match used to be published inside the request: a broker that is down made the change a 500."""
    cache.delete(receivers.REMATCH_PENDING_KEY)
    from kombu.exceptions import OperationalError

    from matching import tasks

    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(tasks.rematch_open_requirements, "apply_async", broker_down)
    profile = factories.SupplierProfileFactory()
    owner = factories.SmeOwnerFactory(membership=profile.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        capability = supplier_services.add_capability(
            profile=profile, actor=owner, category=factories.CategoryFactory(), description="Forja de acero"
        )
    assert capability.pk is not None
    # Nothing was queued, so the next change may try again at once instead of waiting out the window.
    assert cache.get(receivers.REMATCH_PENDING_KEY) is None


def test_rematch_queues_one_run_per_open_requirement(queued):
    open_ones = factories.RequirementFactory.create_batch(3)
    factories.RequirementFactory(status="closed")

    assert services.rematch_open_requirements() == 3
    assert services.rematch_open_requirements() == 0  # their runs are still queued: nothing new
    assert set(MatchRun.objects.values_list("requirement_id", flat=True)) == {r.pk for r in open_ones}
