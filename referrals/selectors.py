"""Reads of referrals that depend on who is asking. Each selector does its own joins, so no
caller can create an N+1; access always comes from referrals.access."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from casework.access import joins_in_written_order
from casework.models import AccessLogEntry, Client
from casework.models.accesslog import AccessAction

from .access import referrals_received_by, referrals_sent_by, referrals_visible_to
from .models import Referral, ReferralEvent, ReferralStatus
from .models.referral import OPEN_STATUSES

INBOX_PAGE_SIZE = 25
DISCLOSURES_PAGE_SIZE = 50


def referral_inbox(*, user) -> QuerySet[Referral]:
    """The partner inbox (before filters), in the order that needs attention: overdue first,
    then the other open referrals, longest waiting first, then closed ones, newest first."""
    return (
        referrals_received_by(user=user)
        .select_related(*INBOX_JOINS)
        .annotate(
            attention=Case(
                When(status=ReferralStatus.REQUESTED, overdue_at__isnull=False, then=Value(0)),
                When(status__in=OPEN_STATUSES, then=Value(1)),
                default=Value(2),
            ),
            waiting_since=Case(When(status__in=OPEN_STATUSES, then=F("created_at"))),
        )
        .order_by("attention", F("waiting_since").asc(nulls_last=True), "-created_at", "-id")
    )


def referral_status_counts(
    *, queryset: QuerySet[Referral], matching: Q | None = None
) -> dict[str, int]:
    """How many referrals are in each status, plus overdue, in one aggregate query; with
    ``matching`` (the filters' condition) also how many match the filters, for the paginator."""
    aggregates = {
        status.value: Count("pk", filter=Q(status=status.value)) for status in ReferralStatus
    }
    aggregates["overdue"] = Count(
        "pk", filter=Q(status=ReferralStatus.REQUESTED, overdue_at__isnull=False)
    )
    aggregates["total"] = Count("pk")
    if matching is not None:
        aggregates["matching"] = Count("pk", filter=matching) if matching else Count("pk")
    return queryset.order_by().aggregate(**aggregates)


class CountedPaginator(Paginator):
    """A paginator told its count (already computed in another aggregate), so it does not
    run a COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def paginate(queryset, *, page_number, per_page: int, count: int | None = None) -> Page:
    if count is None:
        return Paginator(queryset, per_page).get_page(page_number)
    return CountedPaginator(queryset, per_page, count=count).get_page(page_number)


# What an inbox row shows: its program, sender, client (name, if the consent shares it) and
# assignee (the agency is the page's own, named once above the list).
INBOX_JOINS = ("program", "sending_center", "client", "consent", "assigned_to")


def paginate_ids_first(queryset, *, page_number, per_page: int, count: int, joins=()) -> Page:
    """A page of ``queryset`` read in two steps: the page's ids in the queryset's order (a
    narrow query PostgreSQL answers from the index, sorting a few columns of every matching
    row), then those rows with their joins. One query does both only by joining every
    matching row before sorting (7,000 rows and a scan of all clients for the county's
    biggest agency, to show 25)."""
    page = CountedPaginator(queryset.values_list("pk", flat=True), per_page, count=count).get_page(
        page_number
    )
    ids = list(page.object_list)
    with joins_in_written_order():  # rows by their keys: no join order to search for
        rows = Referral.objects.select_related(*joins).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def referral_detail(*, referral: Referral) -> dict:
    """What the referral page shows besides the referral itself: its events, in order."""
    events = list(
        ReferralEvent.objects.filter(referral=referral)
        .select_related("actor", "actor_organization")
        .order_by("at", "id")
    )
    return {"events": events}


def referrals_awaiting_response(*, user, centers, limit: int = 20) -> list[Referral]:
    """The navigator dashboard: sent referrals with no answer yet, overdue ones first.

    One ordered walk of the (sending_center, status, overdue_at, created_at) index per center,
    stopping after ``limit`` (PostgreSQL cannot keep an index's order across ``IN (…)``):
    the cost is the page's rows, not the center's thousands of waiting referrals."""
    order = (F("overdue_at").asc(nulls_last=True), "created_at", "id")
    # A probe of the grant per row walked, not a hash of the center's every grant.
    waiting = referrals_sent_by(user=user, probe=True).filter(status=ReferralStatus.REQUESTED)
    joins = ("client", "program", "agency")
    if not centers:
        return []
    if len(centers) == 1:
        return list(
            waiting.filter(sending_center_id=centers[0].pk)
            .select_related(*joins)
            .order_by(*order)[:limit]
        )
    # Several centers: each one's first ``limit`` ids in one UNION ALL, then those rows.
    firsts = [
        waiting.filter(sending_center_id=center.pk).order_by(*order).values_list("pk")[:limit]
        for center in centers
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        ids = [pk for (pk,) in firsts[0].union(*firsts[1:], all=True)]
    else:  # SQLite: no LIMIT inside a UNION; one query per center
        ids = [pk for first in firsts for (pk,) in first]
    return list(Referral.objects.filter(pk__in=ids).select_related(*joins).order_by(*order)[:limit])


def referrals_of_client(*, user, client: Client) -> list[Referral]:
    """A client's referrals the user may see, newest first, with their program and agency (the
    client page's referral panel and header; the timeline reads the status changes itself)."""
    return list(
        referrals_visible_to(user=user)
        .filter(client=client)
        .select_related("program", "agency")
        .order_by("-created_at")
    )


def open_referral_count(*, user) -> int:
    return referrals_sent_by(user=user).filter(status__in=OPEN_STATUSES).count()


def client_disclosures(*, client: Client) -> QuerySet[AccessLogEntry]:
    """Every disclosure of this client's information to a partner (who, when, what)."""
    return (
        AccessLogEntry.objects.filter(client_id=client.pk, action=AccessAction.DISCLOSE)
        .select_related("user", "organization")
        .order_by("-at", "-id")
    )
