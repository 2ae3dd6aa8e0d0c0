"""Packet benchmark: render 50 referral packets (each a client copy in the client's language
and an agency copy in English, stored), print the median and 95th-percentile render time and
the peak memory.

    .venv/bin/python bench/packets.py [--packets 50]
    make bench-packets

Uses a throw-away SQLite database and media directory, the test personas and referrals like the
ones the packet tests make (clients cycling en, es, vi, pa, hi). Each packet is timed through
``packet_render`` (claim, both PDFs, storage, the row marked ready), as the Celery task runs it.
The first render (fonts loaded, templates compiled) is reported on its own. The goal: a median
under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_MS = 300.0
LANGUAGES = ["en", "es", "vi", "pa", "hi"]
_tmpdir = tempfile.TemporaryDirectory(prefix="cb-bench-packets-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmpdir.name}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{_tmpdir.name}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from referrals.models import PacketStatus, Referral
    from referrals.packets.services import packet_render
    from tests.personas import make_personas
    from tests.referrals.packet_helpers import make_program, make_referral

    personas = make_personas()
    program = make_program(personas)
    ids = [
        make_referral(
            personas,
            language=LANGUAGES[i % len(LANGUAGES)],
            program=program,
            first_name=f"Client{i}",
        ).pk
        for i in range(args.packets + 1)
    ]

    started = time.perf_counter()
    assert packet_render(referral_id=ids[0])  # cold: fonts, templates, WeasyPrint's caches
    cold_ms = (time.perf_counter() - started) * 1000

    timings: dict[str, list[float]] = {language: [] for language in LANGUAGES}
    all_ms: list[float] = []
    cpu_ms: list[float] = []
    for i, referral_id in enumerate(ids[1:]):
        started, cpu_started = time.perf_counter(), time.process_time()
        assert packet_render(referral_id=referral_id)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
        all_ms.append(elapsed)
        timings[LANGUAGES[i % len(LANGUAGES)]].append(elapsed)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # Python-level allocations of one more render (tracemalloc slows rendering: not timed).
    extra = make_referral(personas, language="hi", program=program, first_name="Traced")
    tracemalloc.start()
    packet_render(referral_id=extra.pk)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ready = Referral.objects.filter(packet_status=PacketStatus.READY).count()
    sizes = [
        os.path.getsize(r.packet_client_file.path) + os.path.getsize(r.packet_agency_file.path)
        for r in Referral.objects.filter(packet_status=PacketStatus.READY)[:10]
    ]

    median = statistics.median(all_ms)
    print(f"Packets rendered: {len(all_ms)} (+1 cold, +1 traced); ready rows: {ready}")
    print(f"  first (cold) render:      {cold_ms:7.0f} ms")
    print(f"  median render:            {median:7.0f} ms   (goal < {GOAL_MS:.0f} ms)")
    print(f"  95th percentile:          {percentile(all_ms, 95):7.0f} ms")
    print(f"  slowest:                  {max(all_ms):7.0f} ms")
    # CPU time tells a busy machine (other processes on the cores) from a slow render.
    print(f"  median CPU time:          {statistics.median(cpu_ms):7.0f} ms")
    print(f"  95th percentile CPU time: {percentile(cpu_ms, 95):7.0f} ms")
    print(f"  load average (1 min):     {os.getloadavg()[0]:7.2f} on {os.cpu_count()} cores")
    for language in LANGUAGES:
        if timings[language]:
            median_language = statistics.median(timings[language])
            print(f"  median, {language} client copy:   {median_language:7.0f} ms")
    print(f"  peak memory (max RSS):    {peak_rss_mib:7.0f} MiB")
    print(f"  peak Python allocations in one render (tracemalloc): {traced_peak / 2**20:.1f} MiB")
    print(f"  packet size (both copies): {statistics.median(sizes) / 1024:.0f} KiB median")
    print("  goal met" if median < GOAL_MS else "  GOAL MISSED")


if __name__ == "__main__":
    main()
