from django.db import migrations


def create_periodic_task(apps, schema_editor):
    from api.schedule import ensure_webhook_sweeper

    ensure_webhook_sweeper(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens_and_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_task, migrations.RunPython.noop)]
