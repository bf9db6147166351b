"""Imported award history becomes queries; rankers train on it after an import; newcomer places; the policy's
permissions; history stays out of live lists."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from buyers.models import Requirement
from interchange.services import import_file
from linkages.models import Linkage
from matching import selectors, services
from matching.models import MatchingPolicy, MatchRun, RankerModel
from suppliers.models import Capability
from tests import factories

from .award_history import SUPPLIERS, award_history, award_release, write_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def history_file(tmp_path):
    return write_package(tmp_path / "awards.json.gz", award_history())


def test_imported_awards_become_historic_requirements_dated_by_their_release(history_file):
    report = import_file(path=history_file)
    assert report.ok, report.rejected
    assert report.counts["historic requirements created"] == 240
    historic = Requirement.objects.filter(historic=True)
    assert historic.count() == 240
    assert set(historic.values_list("status", flat=True)) == {Requirement.Status.AWARDED}
    first = historic.order_by("published_at").first()
    assert first.published_at.date() == dt.date(2021, 1, 4)
    assert first.categories.get().code == "33141125" or first.categories.count() == 1
    # every award's linkage carries its requirement, so the outcome is a labelled query
    assert Linkage.objects.filter(requirement__historic=True).count() == 240
    assert not Linkage.objects.filter(requirement__isnull=True).exists()
    assert len(selectors.outcomes()) == 240
    # capabilities learned from awards remember the first award that showed them
    assert not Capability.objects.filter(evidence_date__isnull=True).exists()
    # importing again changes nothing
    again = import_file(path=history_file)
    assert again.counts["processes unchanged"] == 240
    assert Requirement.objects.count() == 240
    # history is not live sourcing: nothing was queued for matching
    assert not MatchRun.objects.exists()


def test_history_stays_out_of_live_lists_unless_asked_for(history_file, agency_user, agency_client, client):
    import_file(path=history_file)
    live = factories.RequirementFactory(title="Live tender", status=Requirement.Status.OPEN)
    listed = agency_client.get("/api/v1/requirements/").json()
    assert [row["id"] for row in listed["results"]] == [live.pk]
    with_history = agency_client.get("/api/v1/requirements/?history=true").json()
    assert with_history["count"] == 241
    one = Requirement.objects.filter(historic=True).first()
    assert agency_client.get(f"/api/v1/requirements/{one.pk}/").json()["historic"] is True
    client.force_login(agency_user)
    page = client.get(reverse("buyers:list")).content.decode()
    assert "Live tender" in page
    assert one.title not in page
    assert one.title in client.get(reverse("buyers:list") + "?history=on").content.decode()


def test_the_import_command_trains_a_ranker_on_the_history_and_evaluation_reports_it(history_file):
    out = io.StringIO()
    call_command("import_ocds", str(history_file), stdout=out)
    printed = out.getvalue()
    assert "historic requirements created" in printed
    model = RankerModel.objects.get()
    assert model.training_examples > 240  # the winners and their sampled negatives
    assert "baseline (buyer's suppliers, then most awarded)" in model.metrics["rows"]
    report = io.StringIO()
    call_command("evaluate_matching", "--known-suppliers", "--bootstrap", "50", stdout=report)
    table = report.getvalue()
    assert "New pairs" in table
    assert "Newcomer exposure" in table
    baseline_line = next(line for line in table.splitlines() if line.startswith("baseline"))
    assert int(baseline_line.split()[-3]) > 20  # queries after the cutoff with a known supplier


def test_a_promoted_ranker_ranks_the_open_requirements_again(history_file):
    import_file(path=history_file)
    open_tender = award_release(
        999, buyer="Stadt Adorf", supplier=SUPPLIERS[0], code="33141125", day=dt.date(2023, 6, 1), value=None
    )
    open_tender["tender"]["status"] = "active"
    del open_tender["awards"]
    import_file(path=write_package(history_file.parent / "open.json.gz", [open_tender]))
    requirement = Requirement.objects.get(status=Requirement.Status.OPEN)
    model = services.train_ranker()
    assert model is not None
    if model.promoted:
        run = requirement.match_runs.order_by("-pk").first()
        assert run.trigger == MatchRun.Trigger.RANKER_PROMOTED
        assert services.execute_match_run(run_id=run.pk).model_version == model.version
    else:  # kept the current ranker: nothing to re-rank
        assert not requirement.match_runs.filter(trigger=MatchRun.Trigger.RANKER_PROMOTED).exists()


def test_an_upload_of_history_asks_for_training_once(history_file, monkeypatch, django_capture_on_commit_callbacks):
    from interchange import services as interchange_services

    cache.clear()  # no progress left in the shared cache by another test's run of the same id
    asked = []
    monkeypatch.setattr(services, "request_training", lambda: asked.append(True))
    run = interchange_services.ImportRun.objects.create(file_name="awards.json.gz", stored_path=str(history_file))
    monkeypatch.setattr(interchange_services.default_storage, "path", lambda name: name)
    with django_capture_on_commit_callbacks(execute=True):
        finished = interchange_services.execute_import_run(run_id=run.pk)
    assert finished.status == finished.Status.SUCCEEDED, finished.error
    assert asked == [True]


def test_newcomer_places_reach_the_ranking_and_the_page(history_file, agency_user, agency_client, client):
    import_file(path=history_file)
    assert agency_client.put("/api/v1/matching/policy/", {"newcomer_slots": 0}, format="json").status_code == 200
    buyer = Requirement.objects.filter(historic=True).first().buyer
    requirement = factories.RequirementFactory(
        buyer=buyer, title="Nahtmaterial", status=Requirement.Status.OPEN, published_at=None
    )
    category = Requirement.objects.filter(historic=True).first().categories.get()
    requirement.categories.set([category])
    for _ in range(5):  # suppliers in the category that never dealt with this buyer and describe something else
        factories.CapabilityFactory(category=category, description="Allgemeine Lagerlogistik", keywords=[])
    plain = services.run_now(requirement=requirement)
    newcomers_in_top = sum(match.newcomer for match in plain.matches.order_by("rank")[:10])
    assert newcomers_in_top < 4  # the incumbents lead on their own
    assert agency_client.put("/api/v1/matching/policy/", {"newcomer_slots": 4}, format="json").status_code == 200
    assert MatchingPolicy.objects.get().newcomer_slots == 4
    run = services.run_now(requirement=requirement)
    top = list(run.matches.order_by("rank")[:10])
    assert sum(match.newcomer for match in top) == 4
    client.force_login(agency_user)
    page = client.get(reverse("matching:shortlist", args=[requirement.pk])).content.decode()
    assert "New to this buyer" in page


@pytest.mark.parametrize("role", ["anonymous", "sme", "buyer"])
def test_only_agency_staff_see_or_set_the_matching_policy(role, client, api_client, client_for):
    user = {"anonymous": None, "sme": factories.SmeOwnerFactory, "buyer": factories.BuyerOwnerFactory}[role]
    user = user() if user else None
    api = client_for(user) if user else api_client
    assert api.get("/api/v1/matching/policy/").status_code in (401, 403)
    assert api.put("/api/v1/matching/policy/", {"newcomer_slots": 9}, format="json").status_code in (401, 403)
    if user:
        client.force_login(user)
    page = client.get(reverse("matching:policy"))
    assert page.status_code in (302, 403)
    assert client.post(reverse("matching:policy"), {"newcomer_slots": 9}).status_code in (302, 403)
    assert not MatchingPolicy.objects.exists()


@pytest.mark.parametrize("value", [11, -1, "many", None, "missing", 2**70])
def test_a_bad_newcomer_setting_is_a_clear_error(value, agency_user, agency_client, client):
    body = {} if value == "missing" else {"newcomer_slots": value}
    answer = agency_client.put("/api/v1/matching/policy/", body, format="json")
    assert answer.status_code == 400
    assert "newcomer_slots" in answer.json()["errors"]
    client.force_login(agency_user)
    page = client.post(reverse("matching:policy"), {"newcomer_slots": "" if value in (None, "missing") else value})
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    assert not MatchingPolicy.objects.exists()


def test_agency_staff_read_the_policy_and_the_rankers(agency_user, agency_client, client):
    assert agency_client.get("/api/v1/matching/policy/").json() == {"newcomer_slots": 2, "updated_at": None}
    client.force_login(agency_user)
    page = client.get(reverse("matching:policy")).content.decode()
    assert "No ranker trained yet" in page
    assert client.post(reverse("matching:policy"), {"newcomer_slots": 3}).status_code == 302
    assert selectors.newcomer_slots() == 3


def test_export_matches_ranks_again_a_requirement_ranked_by_a_replaced_ranker(titanium):
    requirement = titanium["requirement"]
    requirement.status = Requirement.Status.OPEN
    requirement.save()
    old = services.run_now(requirement=requirement)
    MatchRun.objects.filter(pk=old.pk).update(model_version="learned-old")
    out = io.StringIO()
    call_command("export_matches", stdout=out)
    assert requirement.match_runs.count() == 2
    assert requirement.match_runs.order_by("-pk").first().model_version == selectors.current_model_version()


def test_training_requests_are_debounced(monkeypatch):
    cache.clear()
    sent = []
    monkeypatch.setattr(services.jobs, "send_task", lambda task, countdown=None: sent.append(countdown) or True)
    assert services.request_training() is True
    assert services.request_training() is False  # a batch of uploads trains once
    assert len(sent) == 1
    assert sent[0] > 0  # after the window, so the last file of the batch is in
