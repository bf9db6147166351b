"""Reads about message threads: who may read and write which, unread counts, and agency staff's recorded reads.

Who reads a thread: the members of its buyer organisation and of its supplier's organisation (viewers included)
and agency staff, who follow every linkage. Anybody else is answered as if the thread did not exist (404).
Who writes: owners and members of either organisation (a buyer only once agency staff verified it); viewers and
agency staff read only.
"""

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation
from accounts.permissions import acts_for_verified_buyer, is_agency_staff
from buyers.models import Requirement
from buyers.selectors import requirements_visible_to
from linkages.models import Linkage
from marketplace import selectors as marketplace_selectors
from marketplace.models import Response
from suppliers.models import Certification, SupplierProfile
from suppliers.selectors import listed_profiles

from .models import Message, MessageAttachment, ReadMarker, Side, Thread

EDITING_ROLES = (Membership.Role.OWNER, Membership.Role.MEMBER)


def _own_organisations(user):
    return Membership.objects.filter(user=user).values("organisation_id")


def _party_filter(user) -> Q:
    own = _own_organisations(user)
    return Q(buyer_id__in=own) | Q(supplier__organisation_id__in=own)


def threads_visible_to(*, user) -> QuerySet[Thread]:
    if not user.is_authenticated:
        return Thread.objects.none()
    base = Thread.objects.select_related(
        "buyer", "supplier__organisation", "linkage__requirement", "response__requirement"
    )
    if is_agency_staff(user):
        return base
    return base.filter(_party_filter(user))


def threads_taking_part(*, user) -> QuerySet[Thread]:
    """Threads of the user's own organisations (agency staff's reading rights excluded)."""
    if not user.is_authenticated:
        return Thread.objects.none()
    return Thread.objects.filter(_party_filter(user))


def _last_read(user):
    return Subquery(ReadMarker.objects.filter(thread=OuterRef("thread_id"), user=user).values("last_read_id")[:1])


def unread_messages(*, user) -> QuerySet[Message]:
    """Messages written by somebody else after the user's read marker, in threads of the user's organisations."""
    if not user.is_authenticated:
        return Message.objects.none()
    return (
        Message.objects.filter(thread__in=threads_taking_part(user=user).values("pk"))
        .exclude(author=user)
        .annotate(read_up_to=Coalesce(_last_read(user), Value(0), output_field=IntegerField()))
        .filter(pk__gt=F("read_up_to"))
    )


def unread_total(*, user) -> int:
    """The navigation's number: one COUNT query."""
    return unread_messages(user=user).count()


def with_unread(queryset: QuerySet[Thread], *, user) -> QuerySet[Thread]:
    """Each thread with ``unread``: messages by others after the user's marker (0 for agency staff's reading)."""
    marker = Subquery(ReadMarker.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_id")[:1])
    return queryset.annotate(
        read_up_to=Coalesce(marker, Value(0), output_field=IntegerField()),
    ).annotate(
        unread=Count(
            "messages",
            filter=Q(messages__id__gt=F("read_up_to")) & ~Q(messages__author=user),
        ),
        message_count=Count("messages"),
    )


def inbox(*, user) -> QuerySet[Thread]:
    """The user's threads with a message, newest first, each with its last message's words, author and whether it
    had files (``last_body``, ``last_author_id``, ``last_files``); agency staff see every thread with a message."""
    queryset = threads_visible_to(user=user).filter(last_message_at__isnull=False)
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        with_unread(queryset, user=user)
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_author_id=Subquery(last.values("author_id")[:1]),
            last_files=Exists(MessageAttachment.objects.filter(message=Subquery(last.values("pk")[:1]))),
        )
        .order_by("-last_message_at", "-pk")
    )


def thread_detail(*, user, thread_id: int) -> Thread | None:
    return threads_visible_to(user=user).filter(pk=thread_id).first()


def is_party(*, user, thread: Thread) -> bool:
    """A member (any role) of either organisation of the thread."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id__in=[thread.buyer_id, thread.supplier.organisation_id]
    ).exists()


def side_of(*, user, thread: Thread) -> str | None:
    """The side ``user`` writes for in ``thread``, or None: viewers, agency staff and outsiders write for nobody; a
    buyer's team writes once agency staff verified the buyer."""
    if not user.is_authenticated or not user.is_active:
        return None
    editing = set(
        Membership.objects.filter(user=user, role__in=EDITING_ROLES).values_list("organisation_id", flat=True)
    )
    if thread.buyer_id in editing and acts_for_verified_buyer(user, thread.buyer, editing=True):
        return Side.BUYER
    if thread.supplier.organisation_id in editing:
        return Side.SUPPLIER
    return None


def may_post(*, user, thread: Thread) -> bool:
    return side_of(user=user, thread=thread) is not None


def read_by_agency_only(*, user, thread: Thread) -> bool:
    """Agency staff reading a thread their own organisation is not in: the read is recorded."""
    return is_agency_staff(user) and not is_party(user=user, thread=thread)


def messages_of(*, thread: Thread) -> QuerySet[Message]:
    return thread.messages.select_related("author").prefetch_related("attachments").order_by("created_at", "pk")


def attachment_visible_to(*, user, attachment_id: int) -> MessageAttachment | None:
    threads = threads_visible_to(user=user).values("pk")
    return (
        MessageAttachment.objects.select_related("message__thread__supplier")
        .filter(pk=attachment_id, message__thread__in=threads)
        .first()
    )


def responses_visible_to(*, user) -> QuerySet[Response]:
    """Responses whose thread the user may open: exactly those the user may read (marketplace's one rule)."""
    return marketplace_selectors.responses_visible_to(user=user)


def thread_for_linkage(linkage: Linkage) -> Thread | None:
    return Thread.objects.filter(kind=Thread.Kind.LINKAGE, linkage=linkage).first()


def thread_for_response(response) -> Thread | None:
    """The thread of a response (None until somebody opens it: ``services.open_thread``)."""
    return Thread.objects.filter(kind=Thread.Kind.RESPONSE, response=response).first()


def _requirement_of(thread: Thread):
    if thread.kind == Thread.Kind.RESPONSE and thread.response_id:
        return thread.response.requirement
    if thread.linkage_id and thread.linkage.requirement_id:
        return thread.linkage.requirement
    return None


def subjects_for(*, user, threads) -> dict[int, str]:
    """Thread id → its subject for ``user``: the requirement's title where the reader may see the requirement (a
    response's requirement is seen by both sides), otherwise the two organisations."""
    requirements = {thread.pk: _requirement_of(thread) for thread in threads}
    wanted = {r.pk for r in requirements.values() if r is not None}
    readable = set(requirements_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    subjects = {}
    for thread in threads:
        requirement = requirements[thread.pk]
        if requirement is not None and (thread.kind == Thread.Kind.RESPONSE or requirement.pk in readable):
            subjects[thread.pk] = requirement.title
        else:
            subjects[thread.pk] = _("%(buyer)s × %(supplier)s") % {
                "buyer": thread.buyer.legal_name,
                "supplier": thread.supplier.organisation.legal_name,
            }
    return subjects


def subject_of(*, user, thread: Thread) -> str:
    return subjects_for(user=user, threads=[thread])[thread.pk]


def own_organisation_ids(*, user) -> set[int]:
    return set(_own_organisations(user).values_list("organisation_id", flat=True)) if user.is_authenticated else set()


def other_party_of(*, user, thread: Thread, own: set[int] | None = None) -> str:
    """The organisation on the other side from the reader (both, for agency staff); ``own`` spares the lookup of
    the reader's organisations when it is known."""
    own = own_organisation_ids(user=user) if own is None else own
    if thread.buyer_id in own:
        return thread.supplier.organisation.legal_name
    if thread.supplier.organisation_id in own:
        return thread.buyer.legal_name
    return f"{thread.buyer.legal_name} × {thread.supplier.organisation.legal_name}"


@dataclass(frozen=True)
class AgencyRead:
    at: dt.datetime
    reader: str


def agency_reads(*, thread: Thread, limit: int = 20) -> tuple[int, list[AgencyRead]]:
    """How many times agency staff read the thread, and the latest reads (from the audit trail's access entries)."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Thread),
        object_id=thread.pk,
        action=LogEntry.Action.ACCESS,
    ).order_by("-timestamp", "-pk")
    total = entries.count()
    latest = [
        AgencyRead(at=entry.timestamp, reader=_reader_name(entry.actor))
        for entry in entries.select_related("actor")[:limit]
    ]
    return total, latest


def _reader_name(actor) -> str:
    if actor is None:
        return _("Agency staff")
    return actor.full_name or _("Agency staff")


# -- acting on a supplier from its profile ------------------------------------------------------------------------


def buyer_for_actions(*, user) -> Organisation | None:
    """The verified buyer organisation ``user`` acts for as owner or member (the first joined), or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    memberships = (
        Membership.objects.filter(
            user=user,
            role__in=EDITING_ROLES,
            organisation__kind=Organisation.Kind.MNC,
            organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
        )
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    membership = memberships.first()
    return membership.organisation if membership else None


def reachable_supplier(*, supplier_id: int) -> SupplierProfile | None:
    """A supplier open to buyers (published, not rejected); any other is answered as one that does not exist."""
    return listed_profiles().select_related("organisation").filter(pk=supplier_id).first()


def open_requirements_of(*, buyer: Organisation) -> QuerySet[Requirement]:
    return Requirement.objects.filter(buyer=buyer, status=Requirement.Status.OPEN, historic=False).order_by(
        "title", "pk"
    )


def certificate_day(requirement: Requirement, *, today: dt.date) -> dt.date:
    """The day a supplier's certificates must be valid on: the needed-by date when it is ahead, else today."""
    if requirement.needed_by and requirement.needed_by > today:
        return requirement.needed_by
    return today


def missing_mandatory_certificates(*, requirement: Requirement, supplier: SupplierProfile, day: dt.date) -> list:
    """The mandatory certificate standards of ``requirement`` the supplier holds no valid certificate of on ``day``
    (the one valid-certificate rule, ``Certification.objects.valid_on``)."""
    wanted = list(
        requirement.required_certifications.filter(mandatory=True).select_related("standard").order_by("standard")
    )
    held = set(
        Certification.objects.valid_on(day)
        .filter(profile=supplier, standard_id__in=[r.standard_id for r in wanted])
        .values_list("standard_id", flat=True)
    )
    return [r.standard for r in wanted if r.standard_id not in held]
