"""An imported open tender is published through the buyers app: requirement_published, then matching's run."""

from pathlib import Path

import pytest

from buyers.models import Requirement
from buyers.signals import requirement_changed, requirement_published
from interchange.services import import_file
from matching.models import MatchRun

pytestmark = pytest.mark.django_db
FICTIONAL = Path(__file__).resolve().parents[1] / "fixtures" / "ocds" / "fictional-1.1"
PLANNING = FICTIONAL / "ocds-213czf-000-00001-01-planning.json"
TENDER = FICTIONAL / "ocds-213czf-000-00001-02-tender.json"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from matching import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)


@pytest.fixture
def sent():
    signals = {"published": [], "changed": []}

    def on_published(sender, requirement, **kwargs):
        signals["published"].append(requirement.pk)

    def on_changed(sender, requirement, **kwargs):
        signals["changed"].append(requirement.pk)

    requirement_published.connect(on_published, dispatch_uid="test.published")
    requirement_changed.connect(on_changed, dispatch_uid="test.changed")
    yield signals
    requirement_published.disconnect(dispatch_uid="test.published")
    requirement_changed.disconnect(dispatch_uid="test.changed")


def test_an_imported_open_tender_is_published_and_matched(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(path=PLANNING)
    assert report.ok, report.rejected
    requirement = Requirement.objects.get()
    assert requirement.status == Requirement.Status.OPEN
    assert sent == {"published": [requirement.pk], "changed": []}
    # matching's receiver queued the run from the signal, as for a requirement a buyer publishes
    assert list(MatchRun.objects.values_list("requirement_id", "trigger")) == [
        (requirement.pk, MatchRun.Trigger.PUBLISHED)
    ]


def test_importing_the_same_file_twice_sends_nothing_new(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=PLANNING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_file(path=PLANNING)
    assert report.counts["processes unchanged"] == 1
    assert callbacks == []
    assert len(sent["published"]) == 1
    assert sent["changed"] == []
    assert MatchRun.objects.count() == 1


def test_a_newer_release_of_an_open_tender_is_a_change_not_a_second_publication(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=PLANNING)
    requirement = Requirement.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(path=TENDER)
    assert report.ok, report.rejected
    assert Requirement.objects.get().pk == requirement.pk
    assert sent["published"] == [requirement.pk]
    assert sent["changed"] == [requirement.pk]
    assert MatchRun.objects.count() == 1  # the queued run was not started yet: it serves the change too


def test_the_buyers_import_service_announces_only_what_changed(sent, django_capture_on_commit_callbacks):
    from buyers import services as buyer_services
    from tests import factories

    buyer = factories.BuyerFactory()
    category = factories.CategoryFactory()
    fields = {"title": "Cycle lanes", "specification": "Paint and kerbs", "currency": "gbp", "delivery_country": "GB"}
    with django_capture_on_commit_callbacks(execute=True):
        requirement, created = buyer_services.import_requirement(buyer=buyer, fields=fields, categories=[category])
    assert created
    assert requirement.currency == "GBP"  # the core ISO 4217 check normalised it
    with django_capture_on_commit_callbacks(execute=True) as unchanged:
        again, created = buyer_services.import_requirement(
            buyer=buyer, fields=fields, categories=[category], existing=requirement
        )
    assert (again.pk, created, unchanged) == (requirement.pk, False, [])
    with django_capture_on_commit_callbacks(execute=True):
        buyer_services.import_requirement(
            buyer=buyer, fields={**fields, "title": "Cycle lanes, phase 2"}, categories=[category], existing=requirement
        )
    assert sent == {"published": [requirement.pk], "changed": [requirement.pk]}
