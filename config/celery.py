import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("casebridge", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules below an app's top level (autodiscovery only finds <app>.tasks).
app.autodiscover_tasks(["referrals.packets"])


# Heartbeats for the health endpoint (casework/health.py): each worker records itself every
# HEARTBEAT_SECONDS; beat records each task it sends. Failures to write are only logged: a
# heartbeat must never stop a worker or beat.
def _install_heartbeats() -> None:
    import logging
    import threading

    from celery import signals

    log = logging.getLogger("casebridge.health")
    state = {"in_beat": False}

    @signals.worker_ready.connect(weak=False)
    def _start_worker_heartbeat(sender=None, **kwargs):
        from django.conf import settings

        if not settings.REDIS_URL:
            return
        from casework import health

        hostname = getattr(sender, "hostname", None) or "worker"
        stop = threading.Event()

        def beat_forever():
            while not stop.is_set():
                try:
                    health.record_worker_heartbeat(hostname)
                except Exception:
                    log.warning("worker heartbeat not recorded", exc_info=True)
                stop.wait(health.HEARTBEAT_SECONDS)

        threading.Thread(target=beat_forever, name="health-heartbeat", daemon=True).start()

        @signals.worker_shutdown.connect(weak=False)
        def _stop(**kwargs):
            stop.set()
            try:
                health.forget_worker(hostname)
            except Exception:
                log.warning("worker heartbeat not removed", exc_info=True)

    @signals.beat_init.connect(weak=False)
    def _beat_started(**kwargs):
        state["in_beat"] = True
        _record_beat()

    @signals.before_task_publish.connect(weak=False)
    def _beat_sent_task(**kwargs):
        if state["in_beat"]:
            _record_beat()

    def _record_beat():
        from casework import health

        try:
            health.record_beat_run()
        except Exception:
            log.warning("beat heartbeat not recorded", exc_info=True)


_install_heartbeats()
