"""The page where a buyer's team records its yearly purchases and sees its local share; who is refused; bad input as
field errors (and the same rules through the API)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Membership
from buyers import services
from buyers.models import PurchasingDeclaration
from tests import factories

pytestmark = pytest.mark.django_db
PAGE = "/requirements/purchases/"
API = "/api/v1/purchasing-declarations/"
YEAR = timezone.localdate().year


def _member(organisation, role=Membership.Role.OWNER):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _form(**fields):
    return {"year": YEAR, "currency": "USD", "total_purchases": "1000000", **fields}


def test_a_buyer_records_edits_and_sees_its_local_share(client):
    buyer = factories.BuyerFactory()
    client.force_login(_member(buyer, Membership.Role.MEMBER))
    assert PAGE in client.get("/requirements/").content.decode()
    response = client.post(PAGE, _form(local_purchases="250000", local_share_target="40"))
    assert response.status_code == 302
    declaration = PurchasingDeclaration.objects.get(buyer=buyer)
    assert (declaration.total_purchases, declaration.local_purchases) == (Decimal("1000000"), Decimal("250000"))
    page = client.get(PAGE).content.decode()
    assert "25.0 %" in page
    assert f'data-year="{YEAR}"' in page
    edit = client.get(f"{PAGE}?year={YEAR}").content.decode()
    assert 'value="250000.00"' in edit
    client.post(PAGE, _form(local_purchases="500000"))
    assert PurchasingDeclaration.objects.get(buyer=buyer).local_purchases == Decimal("500000")
    assert "50.0 %" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"local_purchases": "2000000"}, "local_purchases"),
        ({"total_purchases": "-5"}, "total_purchases"),
        ({"local_purchases": "-1"}, "local_purchases"),
        ({"total_purchases": "0"}, "total_purchases"),
        ({"currency": "XYZ"}, "currency"),
        ({"year": "1999"}, "year"),
        ({"year": str(YEAR + 2)}, "year"),
        ({"local_share_target": "101"}, "local_share_target"),
        ({"total_purchases": "lots"}, "total_purchases"),
    ],
)
def test_bad_input_is_a_field_error_on_the_page(fields, field, client):
    client.force_login(_member(factories.BuyerFactory()))
    response = client.post(PAGE, _form(**fields))
    assert response.status_code == 200
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert not PurchasingDeclaration.objects.exists()


def test_an_sme_is_refused(client):
    client.force_login(_member(factories.SmeFactory()))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _form()).status_code == 403


def test_another_buyers_declarations_are_not_found(client):
    other = factories.BuyerFactory()
    services.declare_purchases(actor=_member(other), buyer=other, year=YEAR, total_purchases=Decimal("100"))
    client.force_login(_member(factories.BuyerFactory()))
    assert client.get(f"{PAGE}?buyer={other.pk}").status_code == 404
    assert client.post(PAGE, {**_form(), "buyer": other.pk}).status_code == 404
    assert "100" not in client.get(PAGE).content.decode().split('id="declarations"')[1].split("</table>")[0]
    assert PurchasingDeclaration.objects.get(buyer=other).total_purchases == Decimal("100")


def test_a_viewer_reads_but_does_not_write(client):
    buyer = factories.BuyerFactory()
    services.declare_purchases(actor=_member(buyer), buyer=buyer, year=YEAR, total_purchases=Decimal("100"))
    client.force_login(_member(buyer, Membership.Role.VIEWER))
    page = client.get(PAGE).content.decode()
    assert f'data-year="{YEAR}"' in page
    assert 'id="purchasing-form"' not in page
    assert client.post(PAGE, _form()).status_code == 403
    assert PurchasingDeclaration.objects.get(buyer=buyer).total_purchases == Decimal("100")


def test_an_unverified_buyer_may_not_declare(client, client_for):
    buyer = factories.BuyerFactory(verification_status="pending")
    owner = _member(buyer)
    client.force_login(owner)
    page = client.get(PAGE).content.decode()
    assert 'id="not-verified"' in page
    assert 'id="purchasing-form"' not in page
    assert client.post(PAGE, _form()).status_code == 403
    assert client_for(owner).post(API, {**_form(), "buyer": buyer.pk}, format="json").status_code == 403
    assert not PurchasingDeclaration.objects.exists()


def test_agency_staff_pick_a_buyer_and_record_for_it(client):
    buyer = factories.BuyerFactory(legal_name="Cardio CR")
    client.force_login(factories.AgencyStaffFactory())
    assert "Cardio CR" in client.get(PAGE).content.decode()
    response = client.post(PAGE, {**_form(), "buyer": buyer.pk})
    assert response.status_code == 302
    assert response.url.endswith(f"?buyer={buyer.pk}")
    assert PurchasingDeclaration.objects.filter(buyer=buyer).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, _form()).status_code == 302


def test_the_api_lists_a_buyers_declarations_to_its_team_only(client_for):
    buyer = factories.BuyerFactory()
    services.declare_purchases(actor=_member(buyer), buyer=buyer, year=YEAR, total_purchases=Decimal("100"))
    viewer = _member(buyer, Membership.Role.VIEWER)
    assert [row["year"] for row in client_for(viewer).get(API).json()["results"]] == [YEAR]
    assert client_for(viewer).post(API, {**_form(), "buyer": buyer.pk}, format="json").status_code in (400, 403)
    for outsider in (_member(factories.BuyerFactory()), _member(factories.SmeFactory())):
        assert client_for(outsider).get(API).json()["results"] == []
        response = client_for(outsider).post(API, {**_form(), "buyer": buyer.pk}, format="json")
        assert response.status_code in (400, 403)
    assert PurchasingDeclaration.objects.get(buyer=buyer).total_purchases == Decimal("100")
