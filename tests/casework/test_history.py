from decimal import Decimal

from casework import services
from casework.history import client_history, describe_history
from casework.models import Client


def test_sentence_names_actor_center_field_and_values(personas, client_a):
    intake = client_a.intakes.get()
    services.intake_update(
        actor=personas.navigator_a,
        intake=intake,
        monthly_gross_income=Decimal("1900"),
        income_sources=["wages", "ssi"],
        children_ages=[],
    )
    entry = client_history(client_a)[0]
    assert entry.actor == "Maria Lopez (Northside Community Center)"
    assert entry.user_id == personas.navigator_a.pk
    by_field = {c.field: (c.label, c.old, c.new) for c in entry.changes}
    assert by_field["monthly_gross_income"] == ("monthly income", "$2,300.00", "$1,900.00")
    assert by_field["income_sources"] == (
        "income sources",
        "not answered",
        "Wages or salary, SSI",
    )
    assert by_field["children_ages"] == ("children's ages", "not answered", "none")
    assert entry.text.startswith("Maria Lopez (Northside Community Center) changed ")


def test_choice_fk_and_date_values_are_readable(personas, client_a):
    import datetime

    services.client_update(
        actor=personas.navigator_a,
        client=client_a,
        preferred_language="vi",
        date_of_birth=datetime.date(1980, 2, 1),
    )
    entry = client_history(client_a)[0]
    by_field = {c.field: c for c in entry.changes}
    assert by_field["preferred_language"].old == "Spanish"
    assert by_field["preferred_language"].new == "Vietnamese"
    assert by_field["date_of_birth"].new == "02/01/1980"
    assert "center" not in by_field


def test_query_count_does_not_grow_with_rows(personas, client_a, django_assert_num_queries):
    for size in range(1, 4):
        services.client_update(actor=personas.navigator_a, client=client_a, zip_code=f"9511{size}")
    rows = Client.history.filter(id=client_a.pk).select_related("history_user")
    with django_assert_num_queries(2):  # rows, memberships of the actors
        few = describe_history(rows)
    for size in range(4, 15):
        services.client_update(
            actor=personas.navigator_b, client=client_a, zip_code=f"951{size:02d}"
        )
    with django_assert_num_queries(2):
        many = describe_history(rows.all())
    assert len(many) > len(few)
    assert many[0].actor == "Tuan Nguyen (Eastside Community Center)"


def test_user_without_membership_and_system_changes(personas, client_a):
    client_a._history_user = None
    client_a.zip_code = "95000"
    client_a.save()
    entry = client_history(client_a)[0]
    assert entry.text.startswith("Someone changed ZIP code from 95112 to 95000")


def test_history_managers_are_built_once_and_still_scope_to_the_instance(personas, client_a):
    """``Model.history`` no longer builds a manager class per access (issue 15), on every
    recorded model, and it still reads what simple-history's own descriptor reads."""
    from django.apps import apps

    recorded = [
        m for m in apps.get_models() if getattr(m._meta, "simple_history_manager_attribute", None)
    ]
    assert len(recorded) >= 20
    for model in recorded:
        name = model._meta.simple_history_manager_attribute
        first, second = getattr(model, name), getattr(model, name)
        assert type(first) is type(second), model
        assert first.model is model.history.model
        assert first.instance is None

    other = services.client_create(
        actor=personas.navigator_a,
        center=personas.center_a,
        legal_first_name="Otra",
        legal_last_name="Vez",
    )
    services.client_update(actor=personas.navigator_a, client=client_a, phone="4085550199")
    mine = client_a.history.all()
    assert {row.id for row in mine} == {client_a.pk}
    assert mine.first().phone == "+14085550199"
    assert Client.history.filter(id=other.pk).count() == 1
    assert Client.history.count() == Client.history.filter(id__in=[client_a.pk, other.pk]).count()
