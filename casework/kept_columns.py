"""Conditions on columns the database keeps on a table's rows by trigger (not model fields:
``referrals.access_window``, ``casework.intake_flag``)."""

from django.db.models import BooleanField, Expression, F


class KeptColumnCondition(Expression):
    """A condition on kept columns, written on whatever alias the query gives their table (a
    sub-query's ``U0`` as well as the table's name): the alias is read from how the query
    compiles one of the table's own fields, ``anchor`` (``anchor_field``, column
    ``anchor_column``). Subclasses write ``condition_sql(table, connection)``."""

    conditional = True
    output_field = BooleanField()
    anchor_field = "pk"
    anchor_column = "id"

    def __init__(self, anchor=None):
        super().__init__()
        self.anchor = anchor if anchor is not None else F(self.anchor_field)

    def get_source_expressions(self):
        return [self.anchor]

    def set_source_expressions(self, exprs):
        (self.anchor,) = exprs

    def as_sql(self, compiler, connection):
        anchor_sql, params = compiler.compile(self.anchor)
        # The table's alias as this query writes it: '"U0"."agency_id"' -> '"U0".'.
        quoted = connection.ops.quote_name(self.anchor_column)
        if not anchor_sql.endswith(quoted):
            raise ValueError(f"{type(self).__name__} needs {self.anchor_column}, got {anchor_sql}")
        sql, own_params = self.condition_sql(anchor_sql[: -len(quoted)], connection)
        return sql, (*params, *own_params)

    def condition_sql(self, table: str, connection) -> tuple[str, tuple]:
        raise NotImplementedError
