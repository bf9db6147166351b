"""Many rows at once: written with PostgreSQL's COPY where the database has it (``bulk_create`` elsewhere, SQLite),
updated with one statement, looked up by thousands of values with one parameter.

For imports of history, where a file brings tens of thousands of rows per table and building a model instance for
each (and Django quoting each value into an INSERT) costs more than the database's own work. Rows are plain tuples
of database-ready Python values (str, int, Decimal, date, aware datetime, bool, None) for the named fields; every
other column gets what the model would have given it: ``auto_now``/``auto_now_add`` timestamps are now, defaults
are the field's default, nullable columns NULL. No signals are sent and no validation is run: callers validate what
they pass, as they would before a ``bulk_create``. The rows go into the current transaction.

Ids: with ``returning_ids`` the new rows' ids come back in the order of ``rows`` and increase with it, as
``bulk_create`` gives them. On PostgreSQL they are taken from the table's sequence first (one query), so the rows
can be written with them.
"""

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Lookup, Q
from django.utils import timezone

BATCH_SIZE = 2000  # for bulk_create where COPY is not available
_EMPTY = (list, dict, tuple, str)  # callable defaults that make the same (empty) value every time


class _Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


def among(field: str, values: Iterable, *, using: str = DEFAULT_DB_ALIAS):
    """A filter for rows whose ``field`` is one of ``values``: ``field = ANY(array)`` with the values as one array on
    PostgreSQL (an ``__in`` of thousands of values costs Django and the driver a parameter each), ``__in`` elsewhere.
    ``Model.objects.filter(among("ocid", ocids))``."""
    values = list(values)
    if connections[using].vendor == "postgresql":
        return _Among(F(field), values)
    return Q(**{f"{field}__in": values})


def copies(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``insert_rows`` writes with COPY on this database."""
    return connections[using].vendor == "postgresql"


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[tuple],
    *,
    returning_ids: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> list[int]:
    """Insert ``rows`` (tuples of values for ``fields``, names or attnames like ``buyer_id``) into ``model``'s table.

    Returns the new ids in row order when ``returning_ids``, else an empty list."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return []
    if not copies(using):
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.using(using).bulk_create(objects, batch_size=BATCH_SIZE)
        return [obj.pk for obj in objects] if returning_ids else []
    return _copy(model, fields, rows, returning_ids=returning_ids, using=using)


def _field(opts, name: str) -> models.Field:
    for field in opts.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise ValueError(f"{opts.label} has no column for {name!r}")


def _copy(model, fields: Sequence[str], rows: list[tuple], *, returning_ids: bool, using: str) -> list[int]:
    from psycopg import sql

    connection = connections[using]
    opts = model._meta
    given = [_field(opts, name) for name in fields]
    named = {field.attname for field in given}
    if opts.pk.attname in named:
        raise ValueError("insert_rows gives the ids itself")
    now = timezone.now()
    constant: list[tuple[models.Field, object]] = []  # columns filled with one value for every row
    per_row: list[models.Field] = []  # columns whose default is made anew for each row (a callable)
    for field in opts.concrete_fields:
        if field.primary_key or field.attname in named or field.generated:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant.append((field, field.get_db_prep_save(now, connection)))
        elif field.has_default() and callable(field.default) and field.default not in _EMPTY:
            per_row.append(field)
        else:
            constant.append((field, field.get_db_prep_save(field.get_default(), connection)))
    columns = [field.column for field in given] + [field.column for field in per_row]
    columns += [field.column for field, _value in constant]
    tail = tuple(value for _field, value in constant)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, inside Django's current transaction
        ids: list[int] = []
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(rows)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
            columns.insert(0, opts.pk.column)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(opts.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cursor.copy(statement) as copy:
            write = copy.write_row
            if per_row:
                for index, row in enumerate(rows):
                    made = tuple(field.get_db_prep_save(field.get_default(), connection) for field in per_row)
                    write(((ids[index],) if ids else ()) + row + made + tail)
            elif ids:
                for pk, row in zip(ids, rows, strict=True):
                    write((pk, *row, *tail))
            else:
                for row in rows:
                    write(row + tail)
    return ids


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Set ``fields`` of many rows at once: ``rows`` are (id, value, ...) tuples, values database-ready as for
    ``insert_rows``. On PostgreSQL one UPDATE joins the values as arrays (``bulk_update`` builds a CASE per
    column that the database walks for every row); elsewhere ``bulk_update``. Returns how many rows were given."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    opts = model._meta
    given = [_field(opts, name) for name in fields]
    if not copies(using):
        objects = [
            model(pk=row[0], **{f.attname: value for f, value in zip(given, row[1:], strict=True)}) for row in rows
        ]
        model._default_manager.using(using).bulk_update(objects, [f.name for f in given], batch_size=BATCH_SIZE)
        return len(rows)
    from psycopg import sql

    connection = connections[using]
    columns = [opts.pk, *given]
    arrays = [sql.SQL("%s::{}[]").format(sql.SQL(column.db_type(connection))) for column in columns]
    names = [sql.Identifier(f"v{index}") for index in range(len(columns))]
    statement = sql.SQL(
        "UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) WHERE {table}.{pk} = v.v0"
    ).format(
        table=sql.Identifier(opts.db_table),
        sets=sql.SQL(", ").join(
            sql.SQL("{} = v.{}").format(sql.Identifier(field.column), name)
            for field, name in zip(given, names[1:], strict=True)
        ),
        arrays=sql.SQL(", ").join(arrays),
        names=sql.SQL(", ").join(names),
        pk=sql.Identifier(opts.pk.column),
    )
    with connection.cursor() as wrapper:
        for start in range(0, len(rows), 10 * BATCH_SIZE):
            batch = rows[start : start + 10 * BATCH_SIZE]
            wrapper.execute(statement.as_string(wrapper.cursor), [list(column) for column in zip(*batch, strict=True)])
    return len(rows)
