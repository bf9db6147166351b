"""Responses through the services: one live response, revisions, and the linkage signals the engine reads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buyers.models import Requirement
from linkages.models import LinkageStageChange, Stage
from linkages.selectors import requirement_outcomes, responsiveness_by_supplier
from marketplace import services
from marketplace.models import DeclineReason, Response, ResponseKind
from matching import selectors as matching_selectors
from matching.engine.learning import label_for
from notifications.models import Notification
from tests import factories

from .conftest import PDF

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_quote_starts_a_contacted_linkage_and_counts_as_an_answer(market, quote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    assert response.kind == ResponseKind.QUOTE
    assert response.price == Decimal("12.5000")
    assert response.currency == "USD"
    assert response.linkage.stage == Stage.CONTACTED
    assert response.linkage.buyer_id == market.buyer_org.pk
    assert response.linkage.requirement_id == market.requirement.pk
    # The supplier answered: its responsiveness counts it although the linkage is only "contacted".
    assert responsiveness_by_supplier()[market.supplier_a.pk] == 1.0
    # The buyer's team is told.
    told = Notification.objects.filter(kind=Notification.Kind.RESPONSE, recipient=market.buyer)
    assert told.count() == 1
    assert "Mecanizados Alfa" in told.get().title


def test_a_linkage_the_supplier_never_moved_is_not_an_answer(market):
    factories_linkage = services.linkage_services.create_linkage(
        actor=None,
        buyer=market.buyer_org,
        supplier=market.supplier_b,
        requirement=market.requirement,
        stage=Stage.CONTACTED,
        system=True,
    )[0]
    assert factories_linkage.stage == Stage.CONTACTED
    assert responsiveness_by_supplier()[market.supplier_b.pk] == 0.0


def test_a_decline_for_no_capacity_is_a_negative_outcome(market):
    response = services.submit_response(
        actor=market.sme_a,
        requirement=market.requirement,
        kind="decline",
        decline_reason=DeclineReason.NO_CAPACITY,
    )
    assert response.linkage.stage == Stage.DECLINED
    change = LinkageStageChange.objects.filter(linkage=response.linkage, to_stage=Stage.DECLINED).get()
    assert change.note == str(DeclineReason.NO_CAPACITY.label)
    assert change.changed_by == market.sme_a
    outcomes = [o for o in matching_selectors.outcomes() if o.supplier_id == market.supplier_a.pk]
    assert [(o.requirement_id, o.stage) for o in outcomes] == [(market.requirement.pk, Stage.DECLINED)]
    assert label_for(outcomes[0], today=timezone.localdate()) == 0
    assert (market.requirement.pk, market.supplier_a.pk, Stage.DECLINED) in [row[:3] for row in requirement_outcomes()]
    # A decline is an answer too.
    assert responsiveness_by_supplier()[market.supplier_a.pk] == 1.0


def test_an_award_is_a_positive_outcome(market, quote):
    services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    services.award(actor=market.buyer, requirement=market.requirement, suppliers=[market.supplier_a])
    outcome = next(o for o in matching_selectors.outcomes() if o.supplier_id == market.supplier_a.pk)
    assert outcome.stage == Stage.NEGOTIATION
    assert label_for(outcome, today=timezone.localdate()) == 1


def test_a_second_live_response_is_a_field_error(market, quote):
    services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=market.requirement, kind="interest")
    assert "revise" in error.value.message_dict["requirement"][0]
    assert Response.objects.count() == 1


def test_revising_keeps_the_previous_version(market, quote):
    response = services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    revised = services.revise_response(
        actor=market.sme_a, response=response, **{**quote, "price": "11.00", "currency": "crc"}
    )
    assert revised.version == 2
    assert revised.price == Decimal("11.0000")
    assert revised.currency == "CRC"
    [previous] = revised.revisions.all()
    assert previous.version == 1
    assert previous.price == Decimal("12.5000")
    assert previous.currency == "USD"


def test_turning_a_decline_into_a_quote_reopens_the_linkage(market, quote):
    response = services.submit_response(
        actor=market.sme_a, requirement=market.requirement, kind="decline", decline_reason="price"
    )
    revised = services.revise_response(actor=market.sme_a, response=response, **quote)
    revised.linkage.refresh_from_db()
    assert revised.linkage.stage == Stage.CONTACTED


def test_no_revision_once_the_requirement_closed(market, quote):
    response = services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    Requirement.objects.filter(pk=market.requirement.pk).update(status=Requirement.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.revise_response(actor=market.sme_a, response=response, **quote)
    assert "requirement" in error.value.message_dict


def test_another_supplier_cannot_revise(market, quote):
    response = services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    with pytest.raises(PermissionDenied):
        services.revise_response(actor=market.sme_b, response=response, **quote)


def test_a_viewer_cannot_respond(market, quote):
    with pytest.raises(PermissionDenied):
        services.submit_response(actor=market.sme_a_viewer, requirement=market.requirement, **quote)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"price": "-1"}, "price"),
        ({"price": None}, "price"),
        ({"price": "NaN"}, "price"),
        ({"valid_until": dt.date(2000, 1, 1)}, "valid_until"),
        ({"lead_time_days": -3}, "lead_time_days"),
        ({"kind": "bid"}, "kind"),
        ({"kind": "decline", "decline_reason": "tired"}, "decline_reason"),
    ],
)
def test_bad_offers_are_field_errors(market, quote, change, field):
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=market.requirement, **{**quote, **change})
    assert field in error.value.message_dict
    assert not Response.objects.exists()


def test_a_closed_requirement_takes_no_response(market, quote):
    Requirement.objects.filter(pk=market.requirement.pk).update(status=Requirement.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    assert "no longer open" in error.value.message_dict["requirement"][0]


def test_an_invisible_requirement_is_answered_as_unknown(market, quote):
    hidden = factories.RequirementFactory(visibility=Requirement.Visibility.INVITED)
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=hidden, **quote)
    assert error.value.message_dict == {"requirement": ["No such requirement."]}


def test_attachments_are_stored_under_unguessable_names(market, quote):
    upload = SimpleUploadedFile("Our quote.pdf", PDF, content_type="application/pdf")
    response = services.submit_response(
        actor=market.sme_a, requirement=market.requirement, attachments=[upload], **quote
    )
    [attachment] = response.attachments.all()
    assert attachment.name == "Our quote.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith("responses/")
    assert "quote" not in attachment.file.name.lower()


def test_fake_and_oversized_attachments_are_refused(market, quote, settings):
    fake = SimpleUploadedFile("quote.pdf", b"MZ this is a program", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=market.requirement, attachments=[fake], **quote)
    assert "attachments" in error.value.message_dict
    settings.CERTIFICATE_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("quote.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.submit_response(actor=market.sme_a, requirement=market.requirement, attachments=[big], **quote)
    assert "limit" in error.value.message_dict["attachments"][0]
    assert not Response.objects.exists()
