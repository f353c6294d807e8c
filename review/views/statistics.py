"""Statistics across calls: the ministry admin's charts, each table also as CSV."""

import csv
import io

from django.http import Http404
from django.shortcuts import render

from portal.downloads import file_response
from portal.permissions import permission_or_404
from review.statistics import all_tables, chart_data


def _as_text(value):
    """Text stays text in a spreadsheet: no leading formula characters."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


@permission_or_404("review.view_statistics")
def statistics(request):
    tables = all_tables()
    export = request.GET.get("export")
    if export:
        table = next((t for t in tables if t.key == export), None)
        if table is None:
            raise Http404
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Korean correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow([str(column) for column in table.columns])
        writer.writerows([[_as_text(value) for value in row] for row in table.rows])
        return file_response(buffer.getvalue(), f"statistics-{table.key}.csv", "text/csv; charset=utf-8")
    return render(request, "review/statistics.html", {"tables": tables, "charts": chart_data(tables)})
