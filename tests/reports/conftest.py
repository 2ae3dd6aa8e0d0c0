"""A hand-built set of referrals where every report figure is known in advance.

Current week: Monday 2026-11-09 to Sunday 2026-11-15 (America/Los_Angeles).
Previous week: 2026-11-02 to 2026-11-08.

Current week, 22 referrals:
- Agency X (food program, from Center A, Spanish-speaking client in 95112), 14 referrals:
  6 completed (got help; first response after 1..6 h; closed after 1..6 days),
  5 rejected (response = close after 7..11 h), 2 awaiting response (one overdue),
  1 in progress (response after 12 h).
- Agency Y (digital: device program and internet program, from Center B, Vietnamese-speaking
  client in 95122), 6 referrals: device: 2 completed (got help; response 20 h, 30 h; closed
  after 60 h, 70 h), 1 failed (could not contact; response 40 h, closed after 80 h),
  1 cancelled before any response (closed after 5 h); internet: 1 accepted (response 50 h),
  1 awaiting response (overdue).
- Agency Z (housing, from Center A, Vietnamese-speaking client), 2 awaiting response, sent at
  the very first and very last minute of the week.

So: sent 22; awaiting 5, accepted 1, in progress 1, completed 8, failed 1, rejected 5,
cancelled 1. Responded 16, accepted 11: acceptance 11/16 = 68.75%.
Response hours sorted: 1..12, 20, 30, 40, 50: median 8.5, p90 (pos 13.5) 35.0.
Close hours sorted: 5, 7..11, 24, 48, 60, 70, 72, 80, 96, 120, 144: median 48 (2.0 days),
p90 (pos 12.6) 110.4 h = 4.6 days. Overdue 2. Outcomes of 15 closed: got help 8, could not
contact 1, not recorded 6.

Previous week: 7 referrals to Agency X, all completed (got help; response 2 h; closed after
48 h), one of them at 23:59 on Sunday 2026-11-08.
Outside both weeks: one at 00:00 on Monday 2026-11-16, one on 2026-10-01.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest

from casework.models.intake import Need
from referrals.models import Outcome, Referral, ReferralStatus
from tests.factories import AgencyFactory, ClientFactory, ConsentFactory, ProgramFactory

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
WEEK = datetime.date(2026, 11, 9)
PREVIOUS_WEEK = datetime.date(2026, 11, 2)
# Both clients are 40 when referred (the factory's random birthday made one a young adult now
# and then, which moved referrals between the age groups of the young-adult view); a test that
# wants a young adult sets the birthday itself.
ADULT_BIRTHDAY = datetime.date(1986, 6, 15)
CLIENT_NAMES = ("Zebulon", "Quixotewright", "Perpetua", "Vandersloot")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LA)


@dataclass
class OutcomeData:
    personas: object
    agency_z: object
    food: object
    device: object
    internet: object
    housing: object
    client_es: object
    client_vi: object


def _referral(
    *,
    client,
    program,
    center,
    sender,
    sent,
    status,
    response_h=None,
    close_h=None,
    outcome="",
    overdue=False,
):
    hours = datetime.timedelta(hours=1)
    return Referral(
        client=client,
        program=program,
        agency=program.agency,
        sending_center=center,
        sent_by=sender,
        consent=client.consents.first(),
        need_category=program.need_categories[0],
        reason="test",
        status=status,
        created_at=sent,
        status_changed_at=sent,
        first_response_at=sent + response_h * hours if response_h is not None else None,
        closed_at=sent + close_h * hours if close_h is not None else None,
        outcome=outcome,
        overdue_at=sent + 5 * 24 * hours if overdue else None,
    )


def build_outcome_data(personas) -> OutcomeData:
    p = personas
    agency_z = AgencyFactory(name="Agency Z Housing", slug="agency-z")
    food = ProgramFactory(agency=p.agency_x, name="Food pantry", need_categories=[Need.FOOD])
    device = ProgramFactory(
        agency=p.agency_y, name="Laptop donation", need_categories=[Need.DIGITAL_ACCESS]
    )
    internet = ProgramFactory(
        agency=p.agency_y, name="Low-cost internet", need_categories=[Need.DIGITAL_ACCESS]
    )
    housing = ProgramFactory(agency=agency_z, name="Rent help", need_categories=[Need.HOUSING])
    client_es = ClientFactory(
        center=p.center_a,
        created_by=p.navigator_a,
        legal_first_name="Zebulon",
        legal_last_name="Quixotewright",
        preferred_language="es",
        zip_code="95112",
        email="zebulon@example.org",
        date_of_birth=ADULT_BIRTHDAY,
    )
    client_vi = ClientFactory(
        center=p.center_b,
        created_by=p.navigator_b,
        legal_first_name="Perpetua",
        legal_last_name="Vandersloot",
        preferred_language="vi",
        zip_code="95122",
        date_of_birth=ADULT_BIRTHDAY,
    )
    ConsentFactory(client=client_es, recorded_by=p.navigator_a, recipients=[p.agency_x])
    ConsentFactory(client=client_vi, recorded_by=p.navigator_b, recipients=[p.agency_y, agency_z])
    S = ReferralStatus
    day = WEEK + datetime.timedelta(days=1)  # Tuesday
    x = {"client": client_es, "program": food, "center": p.center_a, "sender": p.navigator_a}
    y = {"client": client_vi, "center": p.center_b, "sender": p.navigator_b}
    z = {"client": client_vi, "program": housing, "center": p.center_a, "sender": p.navigator_a}
    rows = []
    for i in range(1, 7):
        rows.append(
            _referral(
                **x,
                sent=at(day),
                status=S.COMPLETED,
                response_h=i,
                close_h=24 * i,
                outcome=Outcome.GOT_HELP,
            )
        )
    for h in (7, 8, 9, 10, 11):
        rows.append(_referral(**x, sent=at(day), status=S.REJECTED, response_h=h, close_h=h))
    rows.append(_referral(**x, sent=at(day), status=S.REQUESTED, overdue=True))
    rows.append(_referral(**x, sent=at(day), status=S.REQUESTED))
    rows.append(_referral(**x, sent=at(day), status=S.IN_PROGRESS, response_h=12))
    rows += [
        _referral(
            **y,
            program=device,
            sent=at(day),
            status=S.COMPLETED,
            response_h=20,
            close_h=60,
            outcome=Outcome.GOT_HELP,
        ),
        _referral(
            **y,
            program=device,
            sent=at(day),
            status=S.COMPLETED,
            response_h=30,
            close_h=70,
            outcome=Outcome.GOT_HELP,
        ),
        _referral(
            **y,
            program=device,
            sent=at(day),
            status=S.FAILED,
            response_h=40,
            close_h=80,
            outcome=Outcome.COULD_NOT_CONTACT,
        ),
        _referral(**y, program=device, sent=at(day), status=S.CANCELLED, close_h=5),
        _referral(**y, program=internet, sent=at(day), status=S.ACCEPTED, response_h=50),
        _referral(**y, program=internet, sent=at(day), status=S.REQUESTED, overdue=True),
    ]
    rows.append(_referral(**z, sent=at(WEEK, 0, 0), status=S.REQUESTED))
    rows.append(
        _referral(**z, sent=at(WEEK + datetime.timedelta(days=6), 23, 59), status=S.REQUESTED)
    )
    # Previous week
    for i in range(7):
        sent = at(PREVIOUS_WEEK + datetime.timedelta(days=i % 6))
        if i == 6:
            sent = at(PREVIOUS_WEEK + datetime.timedelta(days=6), 23, 59)
        rows.append(
            _referral(
                **x,
                sent=sent,
                status=S.COMPLETED,
                response_h=2,
                close_h=48,
                outcome=Outcome.GOT_HELP,
            )
        )
    # Outside both weeks
    rows.append(
        _referral(**x, sent=at(WEEK + datetime.timedelta(days=7), 0, 0), status=S.REQUESTED)
    )
    rows.append(_referral(**x, sent=at(datetime.date(2026, 10, 1)), status=S.REQUESTED))
    Referral.objects.bulk_create(rows)
    return OutcomeData(
        personas=p,
        agency_z=agency_z,
        food=food,
        device=device,
        internet=internet,
        housing=housing,
        client_es=client_es,
        client_vi=client_vi,
    )


@pytest.fixture
def outcome_data(personas) -> OutcomeData:
    return build_outcome_data(personas)
