"""Fixed-bucket histograms of response and close times, kept in the weekly roll-ups so a
median or 90th percentile over many weeks comes from summed counts instead of a sort of every
referral.

A roll-up row stores, for each edge, how many of its referrals took *less* than that many
hours (cumulative counts add up across weeks and slices like any other count), plus the
longest time (for the open bucket above the last edge). A percentile is then worked out the
way PostgreSQL's ``percentile_cont`` does it (position p * (n - 1), linear interpolation
between the two neighbouring values), with each value placed evenly inside its bucket. Every
placed value lies in the same bucket as the true one, so the result is off by at most the
width of the bucket(s) holding the one or two middle values (docs/metrics.md lists them).
"""

from __future__ import annotations

# Time to first response, hours: 1 h wide up to 6 h, then 2, 4, 6, 12 and 24 h wide.
RESPONSE_EDGES = (
    *range(1, 7),  # 1 .. 6
    *range(8, 21, 2),  # 8 .. 20
    *range(24, 37, 4),  # 24 .. 36
    *range(42, 61, 6),  # 42 .. 60
    *range(72, 121, 12),  # 72 .. 120
    *range(144, 193, 24),  # 144 .. 192 (8 days)
    240,
    336,
    504,
    720,
)
# Time to close, hours (shown in days): half a day wide up to 3 days, then 1, 2, 3 and 7 days.
CLOSE_EDGES = (
    *range(12, 73, 12),  # 0.5 .. 3 days
    *range(96, 241, 24),  # 4 .. 10 days
    *range(288, 481, 48),  # 12 .. 20 days
    *range(552, 769, 72),  # 23 .. 32 days
    *range(936, 2113, 168),  # 39 .. 88 days
    2880,
    4320,
    8760,
)


def response_field(edge: int) -> str:
    return f"response_lt_{edge}h"


def close_field(edge: int) -> str:
    return f"close_lt_{edge}h"


RESPONSE_FIELDS = tuple(response_field(e) for e in RESPONSE_EDGES)
CLOSE_FIELDS = tuple(close_field(e) for e in CLOSE_EDGES)


def percentile(
    below: list[int], edges: tuple[int, ...], total: int, longest: float | None, p: float
) -> float | None:
    """The ``p`` percentile of ``total`` values given ``below[i]`` = how many are under
    ``edges[i]`` and the longest value (None when there are no values)."""
    if total <= 0:
        return None
    lows = (0.0, *edges)
    highs = (*edges, max(float(longest or 0.0), float(edges[-1])))
    counts = []
    previous = 0
    for n in (*below, total):
        counts.append(max(n - previous, 0))
        previous = max(n, previous)

    def value_at(rank: int) -> float:
        """The rank-th smallest value (0-based), placed evenly inside its bucket."""
        seen = 0
        for low, high, n in zip(lows, highs, counts, strict=True):
            if rank < seen + n:
                return low + (high - low) * (rank - seen + 0.5) / n
            seen += n
        return highs[-1]

    position = p * (total - 1)
    lower = int(position)
    fraction = position - lower
    value = value_at(lower)
    if fraction:
        value += (value_at(lower + 1) - value) * fraction
    return value
