"""The benchmark's ceiling: the least any Django page of this project does, read and write.

`manage.py bench` reports every page as a ratio to these two, so a figure says how much
of the machine a page leaves unused, not just how fast the machine is. They go through the
whole middleware stack like any page but skip the ORM and the models, and use a table the
benchmark creates in its own database (no model, no migration). Mounted only by
project/bench/urls.py, which only the benchmark's gunicorn loads (ROOT_URLCONF).
"""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

# Created by `manage.py bench` in the benchmark's database, never in a real one.
CEILING_TABLE = "bench_ceiling"
NOTE_MAX_LENGTH = 200


@require_GET
def read_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row by primary key, rendered by a one-line template."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note FROM {CEILING_TABLE} WHERE id = %s", [pk])  # noqa: S608 — constant table name
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return render(request, "bench/row.html", {"row_id": row[0], "note": row[1]})


# No CSRF token: the client is the benchmark's load generator, and this URL exists only
# under the benchmark's URLconf.
@csrf_exempt
@require_POST
def insert_row(request: HttpRequest) -> HttpResponse:
    """Insert one row and render it: the least a page that writes can do."""
    note = request.POST.get("note", "")[:NOTE_MAX_LENGTH]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CEILING_TABLE} (note) VALUES (%s) RETURNING id",  # noqa: S608 — constant table name
            [note],
        )
        (row_id,) = cursor.fetchone()
    return render(request, "bench/row.html", {"row_id": row_id, "note": note}, status=201)
