"""Threads per linkage and per response: writing, reading, unread counts, notifications, the API and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conversations import selectors, services
from conversations.models import Message, Thread
from marketplace.models import Response, ResponseKind
from notifications.models import Notification
from tests import factories

from .conftest import PDF

pytestmark = pytest.mark.django_db(transaction=True)  # messages are announced on commit


def _thread(world):
    return services.open_thread(actor=world.buyer_owner, linkage=world.linkage)


def _page_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_linkage_has_one_thread_whoever_opens_it(world):
    first = services.open_thread(actor=world.buyer_owner, linkage=world.linkage)
    again = services.open_thread(actor=world.supplier_viewer, linkage=world.linkage)
    assert first.pk == again.pk
    assert (first.buyer, first.supplier) == (world.buyer, world.supplier)
    assert selectors.thread_for_linkage(world.linkage) == first


def test_outsiders_cannot_open_a_thread_through_the_service(world):
    for outsider in (world.other_sme, world.other_buyer, world.unverified_buyer):
        with pytest.raises(PermissionDenied):
            services.open_thread(actor=outsider, linkage=world.linkage)
    assert not Thread.objects.exists()


def test_messages_make_unread_counts_for_the_other_side_only(world):
    thread = _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, body="¿Pueden cotizar 5.000 piezas?")
    services.post_message(actor=world.buyer_member, thread=thread, body="Adjuntamos el plano luego.")
    assert selectors.unread_total(user=world.supplier_owner) == 2
    assert selectors.unread_total(user=world.supplier_viewer) == 2
    assert selectors.unread_total(user=world.buyer_owner) == 1  # a colleague's message, not one's own
    assert selectors.unread_total(user=world.other_sme) == 0
    row = selectors.inbox(user=world.supplier_owner).get()
    assert row.unread == 2
    services.mark_read(user=world.supplier_owner, thread=thread)
    assert selectors.unread_total(user=world.supplier_owner) == 0
    assert selectors.inbox(user=world.supplier_owner).get().unread == 0
    services.post_message(actor=world.supplier_owner, thread=thread, body="Sí, con gusto.")
    assert selectors.unread_total(user=world.buyer_owner) == 2
    assert selectors.unread_total(user=world.supplier_owner) == 0  # one's own message is read


def test_a_burst_of_messages_is_one_notification_per_person_until_they_read(world):
    thread = _thread(world)
    for n in range(3):
        services.post_message(actor=world.buyer_owner, thread=thread, body=f"Mensaje {n}")
    notes = Notification.objects.filter(kind=Notification.Kind.MESSAGE)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(
        [world.supplier_owner.pk, world.supplier_viewer.pk]
    )
    note = notes.get(recipient=world.supplier_owner)
    assert note.url == f"/messages/{thread.pk}/"
    assert "Medtronic Costa Rica" in note.title
    services.mark_read(user=world.supplier_owner, thread=thread)
    note.refresh_from_db()
    assert note.read_at is not None  # reading the thread reads its notification
    services.post_message(actor=world.buyer_owner, thread=thread, body="Otro más")
    assert notes.filter(recipient=world.supplier_owner).count() == 2
    assert notes.filter(recipient=world.supplier_viewer).count() == 1  # has not read yet
    assert not notes.filter(recipient__in=[world.buyer_owner, world.buyer_member]).exists()


def test_the_notification_speaks_the_recipients_language(world):
    world.supplier_owner.preferred_language = "es"
    world.supplier_owner.save(update_fields=["preferred_language"])
    thread = _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, attachments=[SimpleUploadedFile("plano.pdf", PDF)])
    note = Notification.objects.get(recipient=world.supplier_owner)
    assert note.params["attachments"] == 1
    assert note.params["organisation"] == "Medtronic Costa Rica"


def test_api_lists_reads_posts_and_marks_read(world, client_for):
    thread = _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, body="Hola")
    supplier = client_for(world.supplier_owner)
    listing = supplier.get("/api/v1/threads/").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["unread"] == 1
    assert row["subject"] == "Medtronic Costa Rica × Precision Tools S.A."
    assert row["may_post"] is True
    assert row["agency_can_read"] is True
    detail = supplier.get(f"/api/v1/threads/{thread.pk}/").json()
    assert detail["agency_notice"]
    assert detail["agency_reads"] == {"count": 0, "latest": []}
    messages = supplier.get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert [m["body"] for m in messages["results"]] == ["Hola"]
    assert messages["results"][0]["mine"] is False
    posted = supplier.post(
        f"/api/v1/threads/{thread.pk}/messages/",
        {"body": "Adjunto la cotización", "attachment": [SimpleUploadedFile("cotizacion.pdf", PDF)]},
        format="multipart",
    )
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert body["side"] == "supplier"
    assert body["attachments"][0]["name"] == "cotizacion.pdf"
    download = client_for(world.buyer_viewer).get(body["attachments"][0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert supplier.post(f"/api/v1/threads/{thread.pk}/read/").json()["last_read_id"] == body["id"]
    assert client_for(world.buyer_owner).get("/api/v1/threads/").json()["results"][0]["unread"] == 1


def test_api_messages_are_paginated(world, client_for):
    thread = _thread(world)
    for n in range(27):
        Message.objects.create(
            thread=thread, author=world.buyer_owner, side="buyer", body=f"m{n}", created_at=timezone.now()
        )
    client = client_for(world.supplier_owner)
    first = client.get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert first["count"] == 27
    assert len(first["results"]) == 25
    second = client.get(f"/api/v1/threads/{thread.pk}/messages/?page=2").json()
    assert [m["body"] for m in second["results"]] == ["m25", "m26"]


def test_api_opens_the_thread_of_a_linkage_once(world, client_for):
    client = client_for(world.supplier_owner)
    created = client.post("/api/v1/threads/", {"linkage": world.linkage.pk}, format="json")
    assert created.status_code == 201
    found = client.post("/api/v1/threads/", {"linkage": world.linkage.pk}, format="json")
    assert found.status_code == 200
    assert found.json()["id"] == created.json()["id"]
    refused = client_for(world.other_buyer).post("/api/v1/threads/", {"linkage": world.linkage.pk}, format="json")
    assert refused.status_code == 400
    assert "linkage" in refused.json()["errors"]
    neither = client.post("/api/v1/threads/", {}, format="json")
    assert neither.status_code == 400


def _response(world):
    requirement = factories.RequirementFactory(buyer=world.buyer, title="Tornillos de titanio")
    now = timezone.now()
    return Response.objects.create(
        requirement=requirement,
        supplier=world.supplier,
        kind=ResponseKind.QUOTE,
        price=Decimal("2.5"),
        currency="USD",
        created_at=now,
        updated_at=now,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


def test_a_response_has_its_own_thread_named_after_the_requirement(world, client_for):
    response = _response(world)
    assert selectors.thread_for_response(response) is None
    thread = services.open_thread(actor=world.supplier_owner, response=response)
    assert thread.kind == Thread.Kind.RESPONSE
    assert selectors.thread_for_response(response) == thread
    assert services.open_thread(actor=world.buyer_owner, response=response) == thread
    assert thread != _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, body="¿Plazo?")
    subjects = {row["subject"] for row in client_for(world.supplier_owner).get("/api/v1/threads/").json()["results"]}
    assert "Tornillos de titanio" in subjects
    page = _page_client(world.buyer_owner).get(f"/messages/responses/{response.pk}/")
    assert page.status_code == 302
    assert page["Location"].endswith(f"/messages/{thread.pk}/")
    assert _page_client(world.other_sme).get(f"/messages/responses/{response.pk}/").status_code == 404
    opened = client_for(world.buyer_owner).post("/api/v1/threads/", {"response": response.pk}, format="json")
    assert opened.status_code == 200
    assert (
        client_for(world.other_buyer).post("/api/v1/threads/", {"response": response.pk}, format="json").status_code
        == 400
    )


def test_pages_inbox_thread_and_reply_with_an_attachment(world):
    thread = _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, body="Buenos días")
    supplier = _page_client(world.supplier_owner)
    home = supplier.get("/messages/")
    assert home.status_code == 200
    assert b'id="unread-messages">1<' in home.content
    assert b"Medtronic Costa Rica" in home.content
    page = supplier.get(f"/messages/{thread.pk}/")
    assert page.status_code == 200
    assert b"Buenos d" in page.content
    assert b'id="agency-notice"' in page.content
    assert b'id="reply-form"' in page.content
    assert selectors.unread_total(user=world.supplier_owner) == 0  # the page marks the thread read
    reply = supplier.post(
        f"/messages/{thread.pk}/", {"body": "Aquí el plano", "attachment": SimpleUploadedFile("plano.pdf", PDF)}
    )
    assert reply.status_code == 302
    attachment = Message.objects.get(body="Aquí el plano").attachments.get()
    assert attachment.file.name.startswith("messages/")
    assert "plano" not in attachment.file.name  # stored under an unguessable name
    download = _page_client(world.buyer_viewer).get(f"/messages/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_pages_in_spanish_and_portuguese(world):
    thread = _thread(world)
    services.post_message(actor=world.buyer_owner, thread=thread, body="Hola")
    client = _page_client(world.supplier_owner)
    for prefix in ("/es", "/pt"):
        assert client.get(f"{prefix}/messages/").status_code == 200
        assert client.get(f"{prefix}/messages/{thread.pk}/").status_code == 200


def test_the_linkage_page_leads_to_its_thread(world):
    client = _page_client(world.supplier_viewer)
    page = client.get(f"/linkages/{world.linkage.pk}/")
    assert f'href="/messages/linkages/{world.linkage.pk}/"'.encode() in page.content
    opened = client.get(f"/messages/linkages/{world.linkage.pk}/")
    assert opened.status_code == 302
    thread = Thread.objects.get(linkage=world.linkage)
    assert opened["Location"].endswith(f"/messages/{thread.pk}/")
    assert _page_client(world.other_buyer).get(f"/messages/linkages/{world.linkage.pk}/").status_code == 404


def test_the_nav_badge_counts_unread_messages(world):
    thread = _thread(world)
    client = _page_client(world.supplier_owner)
    assert b'id="unread-messages"' not in client.get("/messages/").content
    services.post_message(actor=world.buyer_owner, thread=thread, body="Uno")
    services.post_message(actor=world.buyer_owner, thread=thread, body="Dos")
    assert b'id="unread-messages">2<' in client.get("/linkages/").content


def test_the_inbox_costs_the_same_queries_for_few_or_many_threads(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linkages import services as linkage_services
    from linkages.models import Stage

    def open_threads(count):
        for _ in range(count):
            supplier = factories.SupplierProfileFactory()
            requirement = factories.RequirementFactory(buyer=world.buyer)
            linkage, _created = linkage_services.create_linkage(
                actor=None,
                buyer=world.buyer,
                supplier=supplier,
                requirement=requirement,
                stage=Stage.CONTACTED,
                system=True,
            )
            thread = services.open_thread(actor=world.buyer_owner, linkage=linkage)
            services.post_message(actor=world.buyer_owner, thread=thread, body="Hola", attachments=[])

    def inbox_queries(user):
        client = _page_client(user)
        client.get("/messages/")  # the session's first page may write it
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/messages/")
        assert response.status_code == 200
        return len(captured), response.content.decode().count("thread-row")

    open_threads(2)
    for user in (world.buyer_owner, world.agency):
        few, shown_few = inbox_queries(user)
        open_threads(4)
        many, shown_many = inbox_queries(user)
        assert shown_many == shown_few + 4
        assert many == few, user
