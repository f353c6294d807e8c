"""Statistics across calls: the ministry admin's charts, each table also as CSV."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render

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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistics-{table.key}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(column) for column in table.columns])
        writer.writerows([[_as_text(value) for value in row] for row in table.rows])
        return response
    return render(request, "review/statistics.html", {"tables": tables, "charts": chart_data(tables)})
