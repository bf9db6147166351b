"""Questions published without who asked; invited suppliers reminded once by the respond-by date."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buyers import services as buyer_services
from marketplace import services
from marketplace.models import ResponseReminder
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.ask_question(
            actor=market.sme_a, requirement=market.requirement, question="Is Ti grade 23 acceptable?"
        )


def test_the_buyer_is_told_about_a_question(market, asked):
    told = Notification.objects.get(kind=Notification.Kind.CLARIFICATION, recipient=market.buyer)
    assert "question" in told.title
    assert not Notification.objects.filter(recipient=market.buyer_viewer, kind=Notification.Kind.CLARIFICATION)


def test_an_answer_is_published_without_who_asked(
    market, asked, client_for, client, django_capture_on_commit_callbacks
):
    factories.RequirementInvitationFactory(requirement=market.requirement, supplier=market.supplier_b)
    other = factories.SupplierProfileFactory()
    other_user = factories.UserFactory()
    factories.MembershipFactory(user=other_user, organisation=other.organisation)
    url = "/api/v1/clarifications/"
    # Before the answer: the asker sees its question, another supplier nothing.
    assert len(client_for(market.sme_a).get(url, {"requirement": market.requirement.pk}).json()) == 1
    assert client_for(market.sme_b).get(url, {"requirement": market.requirement.pk}).json() == []
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(market.buyer).post(f"{url}{asked.pk}/answer/", {"answer": "Yes, grade 23 is fine."})
    assert answer.status_code == 200
    for supplier_user in (market.sme_b, other_user):
        [row] = client_for(supplier_user).get(url, {"requirement": market.requirement.pk}).json()
        assert row["answer"] == "Yes, grade 23 is fine."
        assert row["asked_by_supplier"] is None
        client.force_login(supplier_user)
        page = client.get(f"/requirements/{market.requirement.pk}/").content.decode()
        assert "Yes, grade 23 is fine." in page
        assert "Mecanizados Alfa" not in page
    [row] = client_for(market.buyer_viewer).get(url, {"requirement": market.requirement.pk}).json()
    assert row["asked_by_supplier"] == "Mecanizados Alfa"
    client.force_login(market.buyer)
    assert "Mecanizados Alfa" in client.get(f"/requirements/{market.requirement.pk}/").content.decode()
    # The invited supplier is told; one that neither responded nor was invited is not.
    assert Notification.objects.filter(kind=Notification.Kind.CLARIFICATION, recipient=market.sme_b).count() == 1
    assert not Notification.objects.filter(kind=Notification.Kind.CLARIFICATION, recipient=other_user).exists()


def test_who_may_ask_and_answer(market, asked, client_for):
    with pytest.raises(PermissionDenied):
        services.ask_question(actor=market.sme_a_viewer, requirement=market.requirement, question="?")
    with pytest.raises(ValidationError):
        services.ask_question(actor=market.sme_a, requirement=market.requirement, question="   ")
    url = f"/api/v1/clarifications/{asked.pk}/answer/"
    assert client_for(market.sme_b).post(url, {"answer": "I answer myself"}).status_code == 404
    assert client_for(market.other_buyer).post(url, {"answer": "Competitor"}).status_code == 404
    assert client_for(market.buyer_viewer).post(url, {"answer": "Viewer"}).status_code == 403
    assert client_for(market.agency).post(url, {"answer": "The agency answers"}).status_code == 200
    assert client_for(market.buyer).post(url, {"answer": ""}).status_code == 400
    hidden = factories.RequirementFactory(visibility="invited")
    answer = client_for(market.sme_a).post("/api/v1/clarifications/", {"requirement": hidden.pk, "question": "?"})
    assert answer.status_code == 400
    assert client_for(market.sme_a).get("/api/v1/clarifications/", {"requirement": hidden.pk}).status_code == 404


def test_respond_by_is_set_on_the_requirement_and_cannot_be_past(market):
    day = timezone.localdate() + dt.timedelta(days=10)
    buyer_services.update_requirement(requirement=market.requirement, actor=market.buyer, respond_by=day)
    market.requirement.refresh_from_db()
    assert market.requirement.respond_by == day
    with pytest.raises(ValidationError) as error:
        buyer_services.update_requirement(
            requirement=market.requirement, actor=market.buyer, respond_by=dt.date(2001, 1, 1)
        )
    assert "respond_by" in error.value.message_dict


def test_respond_by_in_the_api(market, client_for):
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    url = f"/api/v1/requirements/{market.requirement.pk}/"
    answer = client_for(market.buyer).patch(url, {"respond_by": day}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["respond_by"] == day
    assert client_for(market.buyer).patch(url, {"respond_by": "2001-01-01"}, format="json").status_code == 400


def test_invited_suppliers_without_an_answer_are_reminded_once(market, quote, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    type(market.requirement).objects.filter(pk=market.requirement.pk).update(respond_by=today)
    factories.RequirementInvitationFactory(requirement=market.requirement, supplier=market.supplier_a)
    factories.RequirementInvitationFactory(requirement=market.requirement, supplier=market.supplier_b)
    services.submit_response(actor=market.sme_b, requirement=market.requirement, **quote)
    later = factories.RequirementFactory(respond_by=today + dt.timedelta(days=3))
    factories.RequirementInvitationFactory(requirement=later, supplier=market.supplier_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_response_reminders(today=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_response_reminders(today=today) == 0
    reminders = Notification.objects.filter(kind=Notification.Kind.RESPONSE_REMINDER)
    assert [n.recipient for n in reminders] == [market.sme_a]  # owners and members, not viewers
    assert market.requirement.title in reminders.get().title
    assert ResponseReminder.objects.get().supplier == market.supplier_a
    assert not reminders.filter(recipient=market.sme_b).exists()


def test_the_reminder_task_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "marketplace.send_response_reminders" in schedule
    from marketplace.tasks import send_response_reminders

    assert send_response_reminders.name == "marketplace.send_response_reminders"
