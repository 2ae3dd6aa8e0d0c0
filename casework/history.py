"""Readable change history built from django-simple-history rows.

``describe_history(rows)`` turns historical rows (of any model with ``HistoricalRecords``) into
sentences a navigator can read::

    Maria Lopez (Northside Community Center) changed monthly gross income
    from $1,900.00 to $2,300.00

It diffs each row against the previous row *of the same object* among the rows given, so pass
every row of the objects you describe (e.g. ``client.history.all()``); it never calls
``prev_record`` (one query per row). Field labels are the fields' verbose names, choice values
show their display labels, lists of choices show their labels, and null shows "not answered".
Referrals reuse this for referral history.

Queries: one per row set passed (select_related the user), plus one for the acting users'
organizations and one per foreign-key model whose value changed, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Membership
from .models.consent import ConsentScope
from .models.intake import Benefit, IncomeSource, Need

# JSON list fields whose items are choice values: field name -> choices.
LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "income_sources": IncomeSource,
    "benefits_received": Benefit,
    "needs": Need,
    "scopes": ConsentScope,
}
MONEY_FIELDS = {"monthly_gross_income"}
# Fields a reader does not care about (bookkeeping, derived or shown elsewhere).
IGNORED_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "search_name",
    "created_by",
    "recorded_at",
    "recorded_by",
    "client",
}
# Shorter labels where the verbose name carries a unit for forms.
FIELD_LABELS = {"monthly_gross_income": gettext_lazy("monthly income")}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime.datetime
    actor: str  # "Maria Lopez (Northside Community Center)"
    user_id: int | None
    change_type: str  # "+", "~", "-"
    subject: str  # what changed: "client record", "household member Juan (Child)"
    model: str  # model name, lower case
    object_id: int
    text: str
    changes: list[FieldChange] = field(default_factory=list)
    kind: str = "change"


def _tracked_fields(row) -> list[models.Field]:
    return [f for f in type(row).tracked_fields if f.name not in IGNORED_FIELDS]


def _not_answered() -> str:
    return _("not answered")


def _display(f: models.Field, value, fk_labels: dict) -> str:
    if value is None or (value == "" and f.choices):
        return _not_answered()
    if f.name in LIST_CHOICES and isinstance(value, list):
        if not value:
            return _("none")
        labels = dict(LIST_CHOICES[f.name].choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else _("none")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        return fk_labels.get((f.related_model, value), str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if f.name in MONEY_FIELDS and isinstance(value, Decimal | int | float):
        return "$" + formats.number_format(Decimal(value), 2, force_grouping=True)
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if value == "":
        return _("empty")
    return str(value)


def _label(f: models.Field) -> str:
    return str(FIELD_LABELS.get(f.name, f.verbose_name))


def _fk_value(row, f: models.Field):
    return getattr(row, f.attname)


def _actor_labels(rows: Sequence) -> dict[int, str]:
    users = {r.history_user_id: r.history_user for r in rows if r.history_user_id}
    orgs: dict[int, list[str]] = defaultdict(list)
    for m in (
        Membership.objects.filter(user_id__in=users)
        .select_related("organization")
        .order_by("organization__kind", "organization__name")
    ):
        orgs[m.user_id].append(m.organization.name)
    labels = {}
    for pk, user in users.items():
        name = user.get_full_name() or user.username
        labels[pk] = f"{name} ({', '.join(orgs[pk])})" if orgs[pk] else name
    return labels


def _subject(row) -> str:
    model = row.instance_type
    name = model._meta.model_name
    if name == "client":
        return _("the client record")
    if name == "householdmember":
        relationship = dict(row.instance_type._meta.get_field("relationship").flatchoices).get(
            row.relationship, row.relationship
        )
        who = f"{row.name} ({relationship})" if row.name else str(relationship)
        return _("household member %(who)s") % {"who": who}
    if name == "intakeinterview":
        return _("the intake interview of %(date)s") % {
            "date": formats.date_format(row.interview_date, "SHORT_DATE_FORMAT")
        }
    if name == "consent":
        return _("the consent given on %(date)s") % {
            "date": formats.date_format(row.given_on, "SHORT_DATE_FORMAT")
        }
    return f"{model._meta.verbose_name} #{row.pk}"


def describe_history(
    rows: Iterable,
    *,
    ignore: Iterable[str] = (),
    subject=None,
    actors: dict[int, str] | None = None,
) -> list[HistoryEntry]:
    """Readable entries, newest first, for historical rows of one model.

    ``ignore`` names fields left out of "changed" sentences (a row whose only changes are
    ignored is dropped); ``subject(row) -> str`` names the object (defaults cover clients,
    household members, intake interviews and consents); ``actors`` are the rows' actor labels
    when the caller read them already (``_actor_labels``, one query for several models).
    """
    rows = list(rows)
    if not rows:
        return []
    ignore = set(ignore)
    subject = subject or _subject
    actors = _actor_labels(rows) if actors is None else actors
    pk_name = rows[0].instance_type._meta.pk.attname

    by_object: dict[int, list] = defaultdict(list)
    for row in rows:
        by_object[getattr(row, pk_name)].append(row)

    # Pairs of (previous, row) and the foreign keys whose labels we need.
    pairs = []
    fk_wanted: dict[type[models.Model], set] = defaultdict(set)
    for object_rows in by_object.values():
        object_rows.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for row in object_rows:
            pairs.append((previous, row))
            if previous is not None and row.history_type == "~":
                for f in _tracked_fields(row):
                    if isinstance(f, models.ForeignKey) and f.name not in ignore:
                        old, new = _fk_value(previous, f), _fk_value(row, f)
                        if old != new:
                            fk_wanted[f.related_model].update(v for v in (old, new) if v)
            previous = row

    fk_labels = {}
    for model, pks in fk_wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            fk_labels[(model, obj.pk)] = str(obj)

    entries = []
    for previous, row in pairs:
        # An agency answering from an emailed link has no account: its address is recorded.
        actor = (
            actors.get(row.history_user_id)
            or getattr(row, "history_external_actor", "")
            or _("Someone")
        )
        what = subject(row)
        changes: list[FieldChange] = []
        if row.history_type == "+" and row.instance_type._meta.model_name == "client":
            text = _("%(actor)s created %(what)s") % {"actor": actor, "what": what}
        elif row.history_type == "+":
            text = _("%(actor)s added %(what)s") % {"actor": actor, "what": what}
        elif row.history_type == "-":
            text = _("%(actor)s removed %(what)s") % {"actor": actor, "what": what}
        else:
            if previous is None:
                # The earlier rows were not passed in: nothing to compare with.
                continue
            for f in _tracked_fields(row):
                if f.name in ignore:
                    continue
                old, new = _fk_value(previous, f), _fk_value(row, f)
                if old == new:
                    continue
                changes.append(
                    FieldChange(
                        field=f.name,
                        label=_label(f),
                        old=_display(f, old, fk_labels),
                        new=_display(f, new, fk_labels),
                    )
                )
            if not changes:
                continue
            parts = [
                _("%(field)s from %(old)s to %(new)s")
                % {"field": c.label, "old": c.old, "new": c.new}
                for c in changes
            ]
            text = _("%(actor)s changed %(changes)s in %(what)s") % {
                "actor": actor,
                "changes": "; ".join(parts),
                "what": what,
            }
        entries.append(
            HistoryEntry(
                at=row.history_date,
                actor=actor,
                user_id=row.history_user_id,
                change_type=row.history_type,
                subject=what,
                model=row.instance_type._meta.model_name,
                object_id=getattr(row, pk_name),
                text=text,
                changes=changes,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def client_history(client) -> list[HistoryEntry]:
    """Readable changes of a client, their household, intake interviews and consents.

    Creation of intakes and consents and consent revocation appear on the client timeline as
    their own entries, so here they only show as later edits.
    """
    from .models import Consent, HouseholdMember, IntakeInterview

    clients, members, intakes, consents = (
        list(rows.select_related("history_user"))
        for rows in (
            client.history.all(),
            HouseholdMember.history.filter(client_id=client.pk),
            IntakeInterview.history.filter(client_id=client.pk),
            Consent.history.filter(client_id=client.pk),
        )
    )
    # Who made the changes, for all four at once (one query, not one per kind of row).
    actors = _actor_labels([*clients, *members, *intakes, *consents])
    entries = describe_history(clients, actors=actors)
    entries += describe_history(members, actors=actors)
    intake_entries = describe_history(intakes, actors=actors)
    entries += [e for e in intake_entries if e.change_type == "~"]
    consent_entries = describe_history(
        consents, ignore={"revoked_at", "revoked_by", "revocation_note"}, actors=actors
    )
    entries += [e for e in consent_entries if e.change_type == "~"]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


class BuiltOnceHistoryDescriptor:
    """``Model.history`` and ``instance.history``, as django-simple-history's own descriptor
    gives them, with the manager class built once.

    simple-history's ``HistoryDescriptor`` builds its manager class afresh on every access
    (``HistoryManager.from_queryset(HistoricalQuerySet)``, which walks every method of the
    queryset class): 0.1–0.3 ms each time, paid by every history row a save writes (the
    recorder reads ``instance.history``) and by every page that reads history. The class it
    builds is the same each time, so this builds it once (issue 15)."""

    def __init__(self, original):
        self.model = original.model
        self.manager = original.manager_class.from_queryset(original.queryset_class)

    def __get__(self, instance, owner):
        return self.manager(self.model, instance)


def build_history_managers_once() -> None:
    """Puts a ``BuiltOnceHistoryDescriptor`` where simple-history put its descriptor, on every
    model it records (called once, when the apps are ready)."""
    from django.apps import apps
    from simple_history.manager import HistoryDescriptor

    for model in apps.get_models():
        name = getattr(model._meta, "simple_history_manager_attribute", None)
        descriptor = model.__dict__.get(name) if name else None
        if isinstance(descriptor, HistoryDescriptor):
            setattr(model, name, BuiltOnceHistoryDescriptor(descriptor))
