"""Saved searches with alerts: an SME follows categories and keywords, a buyer's team member keeps a supplier search;
the daily check announces what newly matches, once; each person sees only their own; bad input is a field error."""

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import Membership, Organisation
from buyers.models import Requirement
from notifications import services_alerts
from notifications.models import Notification, SavedSearch, SavedSearchResult
from notifications.services import send_daily_digests
from notifications.tasks import check_saved_searches
from tests import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/saved-searches/"


@pytest.fixture
def machining():
    parent = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    child = factories.CategoryFactory(
        code="42630000", name_en="Metal-working machine tools", lineage="/42000000/42600000/42630000/"
    )
    other = factories.CategoryFactory(code="15500000", name_en="Dairy products", lineage="/15000000/15500000/")
    return {"parent": parent, "child": child, "other": other}


def _member(organisation, role=Membership.Role.OWNER):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _supplier(category, name, **profile):
    organisation = factories.SmeFactory(legal_name=name)
    return factories.CapabilityFactory(
        category=category, profile=factories.SupplierProfileFactory(organisation=organisation, **profile)
    ).profile


def _requirement(categories, **fields):
    requirement = factories.RequirementFactory(**fields)
    requirement.categories.set(categories)
    return requirement


def _alerts(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.SAVED_SEARCH)


# -- a buyer's supplier search -------------------------------------------------------------------------------------


def test_a_buyer_hears_of_new_matching_suppliers_once(machining, client_for):
    buyer = _member(factories.BuyerFactory())
    _supplier(machining["child"], "Already There S.A.")
    response = client_for(buyer).post(
        API, {"kind": "suppliers", "name": "Machining", "filters": {"category": "42600000"}}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["filters"] == {"category": "42600000"}
    assert check_saved_searches() == 0  # what was there when saved is not news

    _supplier(machining["child"], "Tornos Nuevos S.A.")
    _supplier(machining["other"], "Lácteos del Valle S.A.")  # does not match
    hidden = _supplier(machining["parent"], "Sin Publicar S.A.", published=False)
    assert check_saved_searches() == 1
    alert = _alerts(buyer).get()
    assert alert.params["count"] == 1
    assert alert.params["examples"] == ["Tornos Nuevos S.A."]
    assert alert.url == "/suppliers/search/?category=42600000"
    assert "Machining" in alert.display_title
    assert check_saved_searches() == 0  # nothing announced twice

    hidden.published = True  # newly published: now it is news
    hidden.save()
    assert check_saved_searches() == 1
    assert _alerts(buyer).order_by("pk").last().params["examples"] == ["Sin Publicar S.A."]


def test_newly_verified_suppliers_are_news_to_a_verified_only_search(machining, client_for):
    buyer = _member(factories.BuyerFactory())
    pending = _supplier(machining["parent"], "Pendiente S.A.", verification_status="pending")
    client_for(buyer).post(
        API,
        {"kind": "suppliers", "name": "Verified machining", "filters": {"category": "42600000", "verified": True}},
        format="json",
    )
    assert check_saved_searches() == 0
    pending.verification_status = "verified"
    pending.save()
    assert check_saved_searches() == 1
    assert _alerts(buyer).get().params["examples"] == ["Pendiente S.A."]


def test_a_buyer_that_lost_its_verification_hears_nothing(machining, client_for):
    organisation = factories.BuyerFactory()
    buyer = _member(organisation)
    client_for(buyer).post(
        API, {"kind": "suppliers", "name": "Machining", "filters": {"category": "42600000"}}, format="json"
    )
    organisation.verification_status = Organisation.VerificationStatus.REJECTED
    organisation.save()
    _supplier(machining["parent"], "Tornos Nuevos S.A.")
    assert check_saved_searches() == 0
    assert not _alerts(buyer).exists()


# -- an SME's followed categories and keywords ---------------------------------------------------------------------


def test_an_sme_hears_of_new_open_requirements_it_may_see(machining, client_for):
    profile = factories.SupplierProfileFactory()
    owner = _member(profile.organisation)
    _requirement([machining["parent"]], title="Old news")
    response = client_for(owner).post(
        API,
        {
            "kind": "opportunities",
            "name": "Machining",
            "filters": {"categories": ["42600000"], "keywords": ["Titanio"]},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["filters"] == {"categories": ["42600000"], "keywords": ["titanio"]}

    in_subtree = _requirement([machining["child"]], title="Lathe parts")
    by_keyword = _requirement([machining["other"]], title="Piezas de TITANIO para prótesis")
    _requirement([machining["other"]], title="Cheese")  # neither
    _requirement([machining["parent"]], title="Draft", status=Requirement.Status.DRAFT)
    _requirement([machining["parent"]], title="Invited others", visibility=Requirement.Visibility.INVITED)
    _requirement([machining["parent"]], title="Agency only", visibility=Requirement.Visibility.AGENCY)
    _requirement([machining["parent"]], title="Past tender", historic=True)

    assert check_saved_searches() == 1
    alert = _alerts(owner).get()
    assert alert.params["count"] == 2
    assert alert.params["examples"] == [in_subtree.title, by_keyword.title]
    assert alert.url == "/opportunities/"
    assert check_saved_searches() == 0

    invited = _requirement([machining["parent"]], title="Invited us", visibility=Requirement.Visibility.INVITED)
    factories.RequirementInvitationFactory(requirement=invited, supplier=profile)
    assert check_saved_searches() == 1
    latest = _alerts(owner).order_by("pk").last()
    assert latest.params["examples"] == ["Invited us"]
    assert latest.url == f"/requirements/{invited.pk}/"


def test_the_alert_is_worded_in_the_readers_language(machining):
    owner = _member(factories.SupplierProfileFactory().organisation)
    services_alerts.save_search(owner=owner, kind="opportunities", name="Tornos", filters={"categories": ["42600000"]})
    _requirement([machining["parent"]], title="Lathe parts")
    _requirement([machining["parent"]], title="Mill parts")
    services_alerts.check_saved_searches()
    alert = _alerts(owner).get()
    assert alert.display_title == "2 new opportunities in what you follow (“Tornos”)"
    with translation.override("es"):
        assert "Tornos" in alert.display_title
        assert "Lathe parts" in alert.display_body


def test_a_member_who_left_hears_nothing(machining):
    organisation = factories.SupplierProfileFactory().organisation
    owner = _member(organisation)
    services_alerts.save_search(owner=owner, kind="opportunities", name="x", filters={"keywords": ["lathe"]})
    Membership.objects.filter(user=owner).delete()
    _requirement([machining["parent"]], title="Lathe parts")
    assert services_alerts.check_saved_searches() == 0


def test_the_daily_check_runs_before_the_digest():
    schedule = settings.CELERY_BEAT_SCHEDULE
    check = next(entry for entry in schedule.values() if entry["task"] == "notifications.check_saved_searches")
    digest = next(entry for entry in schedule.values() if entry["task"] == "notifications.send_daily_digests")

    def when(entry):
        return (min(entry["schedule"].hour), min(entry["schedule"].minute))

    assert when(check) < when(digest)


# -- who may do what -----------------------------------------------------------------------------------------------


SUPPLIER_SEARCH = {"kind": "suppliers", "name": "x", "filters": {"q": "cnc"}}
FOLLOW = {"kind": "opportunities", "name": "x", "filters": {"keywords": ["cnc"]}}


def test_an_sme_may_not_save_a_supplier_search(client_for):
    owner = _member(factories.SmeFactory())
    assert client_for(owner).post(API, SUPPLIER_SEARCH, format="json").status_code == 403
    assert not SavedSearch.objects.exists()


def test_an_unverified_buyer_may_not_save_a_supplier_search(client_for):
    buyer = _member(factories.BuyerFactory(verification_status="pending"))
    assert client_for(buyer).post(API, SUPPLIER_SEARCH, format="json").status_code == 403


def test_a_buyer_may_not_follow_opportunities(client_for):
    buyer = _member(factories.BuyerFactory())
    assert client_for(buyer).post(API, FOLLOW, format="json").status_code == 403


def test_agency_staff_and_buyer_viewers_may_keep_supplier_searches(client_for):
    assert client_for(factories.AgencyStaffFactory()).post(API, SUPPLIER_SEARCH, format="json").status_code == 201
    viewer = _member(factories.BuyerFactory(), role=Membership.Role.VIEWER)
    assert client_for(viewer).post(API, SUPPLIER_SEARCH, format="json").status_code == 201


def test_anonymous_visitors_see_nothing(api_client, client):
    assert api_client.get(API).status_code in (401, 403)
    assert api_client.post(API, FOLLOW, format="json").status_code in (401, 403)
    assert client.get("/notifications/saved-searches/").status_code == 302


def test_nobody_sees_or_changes_another_persons_saved_search(client_for, client):
    owner = _member(factories.SmeFactory())
    mine = services_alerts.save_search(owner=owner, kind="opportunities", name="Mine", filters={"keywords": ["cnc"]})
    colleague = _member(mine.organisation)  # even in the same SME
    for intruder in (colleague, _member(factories.BuyerFactory()), factories.AgencyStaffFactory()):
        api = client_for(intruder)
        assert api.get(API).json()["results"] == []
        assert api.get(f"{API}{mine.pk}/").status_code == 404
        assert api.patch(f"{API}{mine.pk}/", {"name": "Theirs"}, format="json").status_code == 404
        assert api.delete(f"{API}{mine.pk}/").status_code == 404
        client.force_login(intruder)
        assert (
            client.post(f"/notifications/saved-searches/{mine.pk}/rename/", {f"s{mine.pk}-name": "y"}).status_code
            == 404
        )
        assert client.post(f"/notifications/saved-searches/{mine.pk}/delete/").status_code == 404
        assert "Mine" not in client.get("/notifications/saved-searches/").content.decode()
    mine.refresh_from_db()
    assert mine.name == "Mine"


def test_the_owner_lists_renames_and_deletes(client_for):
    owner = _member(factories.SmeFactory())
    api = client_for(owner)
    created = api.post(API, FOLLOW, format="json").json()
    assert [row["id"] for row in api.get(API).json()["results"]] == [created["id"]]
    assert api.patch(f"{API}{created['id']}/", {"name": "  Lathes  "}, format="json").json()["name"] == "Lathes"
    assert api.patch(f"{API}{created['id']}/", {"name": " "}, format="json").status_code == 400
    assert api.delete(f"{API}{created['id']}/").status_code == 204
    assert not SavedSearch.objects.exists()


# -- bad input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "suppliers", "name": "x", "filters": {"category": "99999999"}}, "category"),
        ({"kind": "suppliers", "name": "x", "filters": {"certification": "iso-0"}}, "certification"),
        ({"kind": "suppliers", "name": "x", "filters": {"country": "XX"}}, "country"),
        ({"kind": "suppliers", "name": "x", "filters": {"min_readiness": "120"}}, "min_readiness"),
        ({"kind": "suppliers", "name": "x", "filters": {"size_class": "giant"}}, "size_class"),
        ({"kind": "suppliers", "name": "x", "filters": {"colour": "red"}}, "filters"),
        ({"kind": "suppliers", "name": "x", "filters": {}}, "filters"),
        ({"kind": "suppliers", "name": "x", "filters": {"q": "  ", "verified": False}}, "filters"),
        ({"kind": "suppliers", "name": "x", "filters": ["q"]}, "filters"),
        ({"kind": "suppliers", "name": "", "filters": {"q": "cnc"}}, "name"),
        ({"kind": "weather", "name": "x", "filters": {"q": "cnc"}}, "kind"),
    ],
)
def test_bad_supplier_searches_are_field_errors(payload, field, client_for):
    factories.CertificationStandardFactory()
    buyer = _member(factories.BuyerFactory())
    response = client_for(buyer).post(API, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"categories": ["99999999"]}, "categories"),
        ({"categories": "42600000"}, None),  # a string of codes is accepted
        ({"keywords": ["ab"]}, "keywords"),
        ({"keywords": [f"word{n}" for n in range(11)]}, "keywords"),
        ({"keywords": [{"x": 1}]}, "keywords"),
        ({"categories": [], "keywords": []}, "filters"),
        ({"sector": ["x"]}, "filters"),
    ],
)
def test_bad_follows_are_field_errors(filters, field, machining, client_for):
    owner = _member(factories.SmeFactory())
    response = client_for(owner).post(API, {"kind": "opportunities", "name": "x", "filters": filters}, format="json")
    if field is None:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]


def test_there_is_a_sane_cap_on_saved_searches(client_for):
    owner = _member(factories.SmeFactory())
    for n in range(services_alerts.MAX_SAVED_SEARCHES):
        services_alerts.save_search(owner=owner, kind="opportunities", name=f"s{n}", filters={"keywords": ["cnc"]})
    response = client_for(owner).post(API, FOLLOW, format="json")
    assert response.status_code == 400
    assert "delete one first" in response.json()["errors"]["name"][0]
    assert SavedSearch.objects.filter(owner=owner).count() == services_alerts.MAX_SAVED_SEARCHES


# -- pages ---------------------------------------------------------------------------------------------------------


def test_save_this_search_from_the_supplier_search_page(machining, client):
    buyer = _member(factories.BuyerFactory())
    _supplier(machining["parent"], "Tornos S.A.")
    client.force_login(buyer)
    page = client.get("/suppliers/search/?q=&category=42600000&verified=on").content.decode()
    assert 'id="save-search"' in page
    assert 'id="save-search"' not in client.get("/suppliers/search/").content.decode()  # nothing to save
    response = client.post(
        "/notifications/saved-searches/suppliers/",
        {"name": "Verified machining", "query": "q=&category=42600000&verified=on&page=2&ordering=name&utm=x"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=buyer)
    assert saved.filters == {"category": "42600000", "verified": True}
    assert SavedSearchResult.objects.filter(saved_search=saved, announced=False).count() == 1
    listing = client.get("/notifications/saved-searches/").content.decode()
    assert "Verified machining" in listing
    assert "Machine tools" in listing  # the category named, not only coded

    bad = client.post("/notifications/saved-searches/suppliers/", {"name": "x", "query": "category=99999999\r\nX: 1"})
    assert bad.status_code == 302
    assert "\n" not in bad.url
    assert "not a known category" in client.get(bad.url).content.decode()


def test_an_sme_cannot_save_a_supplier_search_from_a_page(client):
    client.force_login(_member(factories.SmeFactory()))
    assert client.post("/notifications/saved-searches/suppliers/", {"name": "x", "query": "q=cnc"}).status_code == 403
    client.force_login(_member(factories.BuyerFactory(verification_status="pending")))
    assert client.post("/notifications/saved-searches/suppliers/", {"name": "x", "query": "q=cnc"}).status_code == 403
    assert not SavedSearch.objects.exists()


def test_an_sme_follows_categories_and_keywords_on_its_page(machining, client):
    owner = _member(factories.SupplierProfileFactory().organisation)
    client.force_login(owner)
    assert "/notifications/saved-searches/follow/" in client.get("/opportunities/").content.decode()
    response = client.post(
        "/notifications/saved-searches/follow/",
        {"name": "Tornos", "categories": "42600000", "keywords": "titanio, cnc"},
    )
    assert response.status_code == 302
    assert SavedSearch.objects.get(owner=owner).filters == {"categories": ["42600000"], "keywords": ["titanio", "cnc"]}
    bad = client.post("/notifications/saved-searches/follow/", {"name": "x", "categories": "", "keywords": "ab"})
    assert bad.status_code == 200
    assert "3 to 60 characters" in bad.content.decode()
    empty = client.post("/notifications/saved-searches/follow/", {"name": "x"})
    assert "at least one category or keyword" in empty.content.decode()
    client.force_login(_member(factories.BuyerFactory()))
    assert client.get("/notifications/saved-searches/follow/").status_code == 403


def test_rename_and_delete_on_the_list_page(client):
    owner = _member(factories.SmeFactory())
    mine = services_alerts.save_search(owner=owner, kind="opportunities", name="Old", filters={"keywords": ["cnc"]})
    client.force_login(owner)
    client.post(f"/notifications/saved-searches/{mine.pk}/rename/", {f"s{mine.pk}-name": "New name"})
    mine.refresh_from_db()
    assert mine.name == "New name"
    client.post(f"/notifications/saved-searches/{mine.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_the_alert_goes_out_in_the_daily_digest(machining, mailoutbox):
    owner = _member(factories.SupplierProfileFactory().organisation)
    services_alerts.save_search(owner=owner, kind="opportunities", name="Tornos", filters={"keywords": ["lathe"]})
    _requirement([machining["parent"]], title="Lathe parts")
    services_alerts.check_saved_searches()
    assert send_daily_digests() == 1
    assert "1 new opportunity in what you follow (“Tornos”)" in mailoutbox[-1].body
