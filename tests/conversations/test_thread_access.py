"""Who reads and writes a thread, per role; agency staff's reads recorded and shown; bad input answered clearly."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversations import selectors, services
from conversations.models import Message, Thread

from .conftest import PDF

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_sme", "other_buyer", "unverified_buyer"]


@pytest.fixture
def thread(world):
    thread = services.open_thread(actor=world.buyer_owner, linkage=world.linkage)
    services.post_message(
        actor=world.buyer_owner, thread=thread, body="Plano adjunto", attachments=[SimpleUploadedFile("p.pdf", PDF)]
    )
    return thread


def _page_client(user):
    client = Client()
    client.force_login(user)
    return client


def _access_entries(thread):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Thread), object_id=thread.pk, action=LogEntry.Action.ACCESS
    )


@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_third_organisation_never_reads_a_thread_or_its_attachment(world, thread, client_for, role):
    user = getattr(world, role)
    attachment = Message.objects.get().attachments.get()
    api = client_for(user)
    assert api.get("/api/v1/threads/").json()["count"] == 0
    for url in (
        f"/api/v1/threads/{thread.pk}/",
        f"/api/v1/threads/{thread.pk}/messages/",
        f"/api/v1/message-attachments/{attachment.pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "hola"}, format="json").status_code == 404
    assert api.post(f"/api/v1/threads/{thread.pk}/read/").status_code == 404
    pages = _page_client(user)
    assert pages.get(f"/messages/{thread.pk}/").status_code == 404
    assert pages.post(f"/messages/{thread.pk}/", {"body": "hola"}).status_code == 404
    assert pages.get(f"/messages/attachments/{attachment.pk}/").status_code == 404
    assert Message.objects.count() == 1
    assert selectors.unread_total(user=user) == 0


def test_anonymous_visitors_are_asked_to_sign_in(thread, api_client):
    assert api_client.get(f"/api/v1/threads/{thread.pk}/").status_code in (401, 403)
    page = Client().get(f"/messages/{thread.pk}/")
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


@pytest.mark.parametrize("role", ["buyer_viewer", "supplier_viewer"])
def test_viewers_read_but_do_not_write(world, thread, client_for, role):
    user = getattr(world, role)
    api = client_for(user)
    assert api.get(f"/api/v1/threads/{thread.pk}/messages/").status_code == 200
    assert api.get(f"/api/v1/threads/{thread.pk}/").json()["may_post"] is False
    assert api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "hola"}, format="json").status_code == 403
    assert api.post(f"/api/v1/threads/{thread.pk}/messages/", {}, format="multipart").status_code == 403
    page = _page_client(user)
    shown = page.get(f"/messages/{thread.pk}/")
    assert shown.status_code == 200
    assert b'id="reply-form"' not in shown.content
    assert b'id="read-only"' in shown.content
    assert page.post(f"/messages/{thread.pk}/", {"body": "hola"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.post_message(actor=user, thread=thread, body="hola")
    assert Message.objects.count() == 1
    assert not _access_entries(thread).exists()  # a party's reads are not agency reads


def test_an_unverified_buyer_team_does_not_write_in_its_thread(world, thread):
    world.buyer.verification_status = "pending"
    world.buyer.save(update_fields=["verification_status"])
    thread = Thread.objects.get(pk=thread.pk)
    assert selectors.may_post(user=world.buyer_owner, thread=thread) is False
    assert selectors.may_post(user=world.supplier_owner, thread=thread) is True


def test_agency_staff_read_every_thread_and_each_read_is_recorded_and_shown(world, thread, client_for):
    agency = client_for(world.agency)
    assert agency.get("/api/v1/threads/").json()["count"] == 1
    assert agency.get(f"/api/v1/threads/{thread.pk}/").status_code == 200
    assert agency.get(f"/api/v1/threads/{thread.pk}/messages/").status_code == 200
    entries = _access_entries(thread)
    assert entries.count() == 2
    assert set(entries.values_list("actor_id", flat=True)) == {world.agency.pk}
    # Tagged with both organisations, so the audit trail filters it under either.
    assert set(entries.first().additional_data["organisations"]) == {
        str(world.buyer.pk),
        str(world.supplier.organisation_id),
    }
    page = _page_client(world.agency).get(f"/messages/{thread.pk}/")
    assert page.status_code == 200
    assert b'id="agency-notice"' in page.content
    assert b'id="reply-form"' not in page.content
    assert entries.count() == 3
    told = client_for(world.supplier_owner).get(f"/api/v1/threads/{thread.pk}/").json()
    assert told["agency_reads"]["count"] == 3
    assert told["agency_reads"]["latest"][0]["reader"] == "Carla Agencia"
    shown = _page_client(world.supplier_owner).get(f"/messages/{thread.pk}/")
    assert b'id="agency-reads"' in shown.content
    assert "Carla Agencia" in shown.content.decode()
    attachment = Message.objects.get().attachments.get()
    assert agency.get(f"/api/v1/message-attachments/{attachment.pk}/").status_code == 200
    assert entries.count() == 4


def test_agency_staff_do_not_post(world, thread, client_for):
    agency = client_for(world.agency)
    assert agency.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "hola"}, format="json").status_code == 403
    assert _page_client(world.agency).post(f"/messages/{thread.pk}/", {"body": "hola"}).status_code == 403
    assert Message.objects.count() == 1


def test_the_audit_trail_lists_agency_reads(world, thread, client_for):
    client_for(world.agency).get(f"/api/v1/threads/{thread.pk}/")
    trail = _page_client(world.agency).get("/audit/")
    assert trail.status_code == 200


# -- bad input ------------------------------------------------------------------------------------------------------


def _post(client, thread, data, fmt="multipart"):
    return client.post(f"/api/v1/threads/{thread.pk}/messages/", data, format=fmt)


def test_an_empty_message_without_a_file_is_a_field_error(world, thread, client_for):
    client = client_for(world.supplier_owner)
    for data in ({"body": ""}, {"body": "   \n "}, {}):
        response = _post(client, thread, data)
        assert response.status_code == 400
        assert "body" in response.json()["errors"]
    page = _page_client(world.supplier_owner).post(f"/messages/{thread.pk}/", {"body": "  "})
    assert page.status_code == 400
    assert b"Write a message or attach a file." in page.content
    with pytest.raises(ValidationError) as error:
        services.post_message(actor=world.supplier_owner, thread=thread, body="")
    assert "body" in error.value.message_dict
    assert Message.objects.count() == 1


def test_a_fake_or_oversized_attachment_is_a_field_error(world, thread, client_for, settings):
    client = client_for(world.supplier_owner)
    fake = _post(
        client, thread, {"body": "x", "attachment": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")]}
    )
    assert fake.status_code == 400
    assert "attachment" in fake.json()["errors"]
    exe = _post(client, thread, {"attachment": [SimpleUploadedFile("tool.exe", b"MZ")]})
    assert exe.status_code == 400
    assert "attachment" in exe.json()["errors"]
    settings.CERTIFICATE_MAX_UPLOAD_BYTES = 20
    big = _post(client, thread, {"body": "x", "attachment": [SimpleUploadedFile("big.pdf", PDF)]})
    assert big.status_code == 400
    assert "limit" in big.json()["errors"]["attachment"][0]
    page = _page_client(world.supplier_owner).post(
        f"/messages/{thread.pk}/", {"body": "x", "attachment": SimpleUploadedFile("big.pdf", PDF)}
    )
    assert page.status_code == 400
    assert b"the limit is" in page.content
    assert Message.objects.count() == 1


def test_too_long_or_unstorable_words_are_field_errors(world, thread, client_for):
    client = client_for(world.supplier_owner)
    long = _post(client, thread, {"body": "x" * (services.MAX_BODY + 1)}, fmt="json")
    assert long.status_code == 400
    assert "body" in long.json()["errors"]
    nul = _post(client, thread, {"body": "a\x00b"}, fmt="json")
    assert nul.status_code == 400
    too_many = _post(client, thread, {"attachment": [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]})
    assert too_many.status_code == 400
    assert "attachment" in too_many.json()["errors"]


def test_ids_that_name_nothing_are_404s(world, client_for):
    client = client_for(world.supplier_owner)
    for url in (
        "/api/v1/threads/999999/",
        "/api/v1/message-attachments/999999/",
        "/api/v1/threads/99999999999999999999/",
    ):
        assert client.get(url).status_code == 404, url
    page = _page_client(world.supplier_owner)
    assert page.get("/messages/99999999999999999999/").status_code == 404
    assert page.get("/messages/999999/").status_code == 404


def test_a_message_may_carry_several_files(world, thread, client_for):
    files = [SimpleUploadedFile("plano.pdf", PDF), SimpleUploadedFile("oferta.pdf", PDF)]
    response = _post(client_for(world.supplier_owner), thread, {"attachment": files})
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["plano.pdf", "oferta.pdf"]
    assert response.json()["body"] == ""
