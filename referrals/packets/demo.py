"""Demo packets: every demo referral gets its packet (called by ``manage.py seed_demo`` after
the demo referrals exist).

Without Redis the packets render here, in-process. With Redis they are enqueued for the
worker. Rows left behind by an earlier run (pending, a claim by a worker that is gone, failed)
are rendered again; ready ones are left alone, so seeding twice renders nothing twice.
"""

from django.conf import settings

from casework import jobs
from referrals.models import PacketStatus, Referral

from .services import packet_render
from .tasks import packet_render_task


def seed_demo(*, city, stdout=None) -> int:
    referrals = Referral.objects.filter(client__in=city.clients).exclude(
        packet_status=PacketStatus.READY
    )
    ids = list(referrals.order_by("pk").values_list("pk", flat=True))
    in_process = not settings.REDIS_URL
    if in_process:
        # No broker and no worker: nothing can still be rendering these.
        referrals.update(packet_status=PacketStatus.PENDING, packet_error="")
    else:
        referrals.filter(packet_status=PacketStatus.FAILED).update(
            packet_status=PacketStatus.PENDING, packet_error=""
        )
    if in_process:
        done = sum(packet_render(referral_id=referral_id) for referral_id in ids)
    else:
        done = jobs.publish_each(packet_render_task, ids)
    if stdout is not None:
        # Most packets were rendered (or queued) as the demo referrals were sent; say so.
        all_demo = Referral.objects.filter(client__in=city.clients)
        ready = all_demo.filter(packet_status=PacketStatus.READY).count()
        if in_process:
            stdout.write(
                f"Demo referral packets: {ready} of {all_demo.count()} ready"
                f" ({done} rendered by this step, the rest as the referrals were sent)."
            )
        else:
            stdout.write(
                f"Demo referral packets: {ready} of {all_demo.count()} ready,"
                f" {done} more queued for the worker."
            )
    return done
