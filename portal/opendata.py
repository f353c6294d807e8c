"""The public registers as open data: a read-only JSON API (OpenAPI), CSV and an Atom feed.

Each register is described once by an ``OpenRegister`` (its app supplies the public page's own
selector and redaction); ``build_api`` turns a list of them into routes:

    /api/v1/registers/<slug>/            JSON, paginated (``page``), the page's filters
    /api/v1/registers/<slug>/<key>       JSON, one entry
    /api/v1/registers/<slug>/csv         CSV (UTF-8 with BOM), every matching entry
    /api/v1/registers/<slug>/feed        Atom, the latest new and changed entries
    /api/v1/openapi.json                 the OpenAPI description

Every answer carries ETag and Last-Modified (a conditional request gets 304) and counts against a
per-address rate limit (429 with Retry-After).
"""

import csv
import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, quote_etag
from ninja import NinjaAPI, Query, Router, Schema
from pydantic import create_model

from portal.ratelimit import rate_limit_hit, too_many_requests

PAGE_SIZE = 100
FEED_SIZE = 50
CACHE_SECONDS = 60


@dataclass(frozen=True)
class OpenRegister:
    """One public register, described by its app with the public page's own reads."""

    slug: str  # the URL segment: /api/v1/registers/<slug>/
    title: str
    description: str
    schema: type[Schema]  # one entry as published
    filters: type[Schema]  # the page's filters, as query parameters
    entries: Callable[[dict], QuerySet]  # the page's selector: filters → entries in register order
    rows: Callable[[list], list[dict]]  # the page's redaction: entries → public rows (a fixed number of queries)
    state: Callable[[], tuple[int, datetime | None]]  # (count, last change) of the whole register
    key: str  # the row field that names an entry in its URL
    lookup: Callable[[QuerySet, str], QuerySet]  # entries narrowed to one key
    page_url: Callable[[dict], str]  # a row's public page (path)
    changed_at: str  # the row field that says when an entry last changed
    created_at: str  # the row field that says when it entered the register


def _validators(register: OpenRegister, request, extra: str):
    """The ETag and Last-Modified of an answer: the register's state, the query and the format."""
    count, changed = register.state()
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    etag = hashlib.sha256(f"{register.slug}|{extra}|{count}|{changed}|{query}".encode()).hexdigest()[:32]
    return quote_etag(etag), changed


def _conditional(register: OpenRegister, request, extra: str, produce: Callable[[], HttpResponse]) -> HttpResponse:
    etag, changed = _validators(register, request, extra)
    last_modified = int(changed.timestamp()) if changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = produce()
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def rate_limited(view):
    """The documented limit: ``OPEN_DATA_RATE_PER_MINUTE`` answers per minute per client address."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        retry = rate_limit_hit(request, "opendata", limit=settings.OPEN_DATA_RATE_PER_MINUTE)
        if retry:
            return too_many_requests(retry)
        return view(request, *args, **kwargs)

    return wrapper


def _published_rows(register: OpenRegister, entries) -> list[dict]:
    with translation.override(settings.LANGUAGE_CODE):
        rows = register.rows(list(entries))
    return [register.schema.model_validate(row).model_dump(mode="json") for row in rows]


def _page_link(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _page_schema(register: OpenRegister) -> type[Schema]:
    """One page of the JSON list: the entries as published and the links to the pages either side."""
    return create_model(
        f"{register.schema.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        pages=(int, ...),
        next=(str | None, None),
        previous=(str | None, None),
        results=(list[register.schema], ...),
    )


def _add_list_route(router: Router, register: OpenRegister) -> None:
    page_schema = _page_schema(register)

    @router.get(
        f"/registers/{register.slug}/",
        response=page_schema,
        operation_id=f"{register.slug}_list",
        url_name=f"{register.slug}_list",
        summary=f"{register.title}: list",
        description=register.description,
    )
    @rate_limited
    def entries_list(request, filters: Query[register.filters], page: int = 1):
        def produce():
            queryset = register.entries(filters.dict())
            count = queryset.count()
            pages = max(1, math.ceil(count / PAGE_SIZE))
            number = min(max(page, 1), pages)
            rows = _published_rows(register, queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
            payload = page_schema(
                count=count,
                page=number,
                pages=pages,
                results=rows,
                next=_page_link(request, number + 1) if number < pages else None,
                previous=_page_link(request, number - 1) if number > 1 else None,
            )
            return HttpResponse(payload.model_dump_json(), content_type="application/json")

        return _conditional(register, request, "json", produce)


def _add_csv_route(router: Router, register: OpenRegister) -> None:
    @router.get(
        f"/registers/{register.slug}/csv",
        operation_id=f"{register.slug}_csv",
        url_name=f"{register.slug}_csv",
        summary=f"{register.title}: CSV",
        description="Every matching entry as CSV, UTF-8 with a byte-order mark (opens in spreadsheet "
        "programs as is); the same columns and filters as the JSON list.",
        openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}},
    )
    @rate_limited
    def entries_csv(request, filters: Query[register.filters]):
        def produce():
            columns = list(register.schema.model_fields)
            out = io.StringIO()
            out.write("\ufeff")
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in _published_rows(register, register.entries(filters.dict())):
                writer.writerow({key: "" if value is None else value for key, value in row.items()})
            response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{register.slug}.csv"'
            return response

        return _conditional(register, request, "csv", produce)


def _add_detail_route(router: Router, register: OpenRegister) -> None:
    @router.get(
        f"/registers/{register.slug}/{{key}}",
        response=register.schema,
        operation_id=f"{register.slug}_detail",
        url_name=f"{register.slug}_detail",
        summary=f"{register.title}: one entry",
    )
    @rate_limited
    def entry_detail(request, key: str):
        def produce():
            entry = register.lookup(register.entries({}), key).first()
            if entry is None:
                raise Http404
            [row] = _published_rows(register, [entry])
            return HttpResponse(register.schema.model_validate(row).model_dump_json(), content_type="application/json")

        return _conditional(register, request, f"detail|{key}", produce)


def _add_register(router: Router, register: OpenRegister) -> None:
    """The register's JSON list, CSV and one-entry routes, in this order (``csv`` before it can be read as a key)."""
    _add_list_route(router, register)
    _add_csv_route(router, register)
    _add_detail_route(router, register)


class RegisterFeed(Feed):
    """New and changed entries of one register, latest first (Atom)."""

    feed_type = Atom1Feed

    def __init__(self, register: OpenRegister):
        super().__init__()
        self.register = register

    def title(self):
        return str(self.register.title)

    def subtitle(self):
        return str(self.register.description)

    def link(self):
        return f"/api/v1/registers/{self.register.slug}/"

    def items(self):
        entries = self.register.entries({}).order_by(f"-{self.register.changed_at}")[:FEED_SIZE]
        return _published_rows(self.register, entries)

    def item_title(self, row):
        return f"{row[self.register.key]} {row.get('title', '')}".strip()

    def item_description(self, row):
        return "\n".join(f"{key}: {'' if value is None else value}" for key, value in row.items())

    def item_link(self, row):
        return self.register.page_url(row)

    def item_guid(self, row):
        return f"{self.register.slug}:{row[self.register.key]}:{row[self.register.changed_at]}"

    def item_updateddate(self, row):
        return datetime.fromisoformat(row[self.register.changed_at])

    def item_pubdate(self, row):
        return datetime.fromisoformat(row[self.register.created_at])


def _feed_view(register: OpenRegister):
    feed = RegisterFeed(register)

    @rate_limited
    def view(request):
        return _conditional(register, request, "atom", lambda: feed(request))

    return view


_registers: list[OpenRegister] = []


def open_register(*registers: OpenRegister) -> None:
    """Publish these registers as open data: each app calls this in its ``AppConfig.ready`` (the core knows no
    register); the API lists them in the order they were added."""
    for register in registers:
        if all(known.slug != register.slug for known in _registers):
            _registers.append(register)


def open_registers() -> list[OpenRegister]:
    return list(_registers)


def build_api(registers: list[OpenRegister]) -> tuple[NinjaAPI, list]:
    """The API for these registers and the URL patterns of their feeds (mount both under ``api/v1/``)."""
    api = NinjaAPI(
        title="국가첨단전략기술 포털 공개 데이터 API (open data)",
        version="1",
        description=(
            "Read-only public registers. Paginated (`page`, 100 entries a page); every answer has ETag and "
            "Last-Modified, so conditional requests get 304; at most "
            f"{settings.OPEN_DATA_RATE_PER_MINUTE} requests a minute per client address (429 with "
            "Retry-After beyond). Parts withheld for security are null, exactly as on the public pages."
        ),
        urls_namespace="opendata",
        docs_url=None,
    )
    router = Router(tags=["registers"])

    @router.get("/", operation_id="registers", url_name="registers", summary="The open registers")
    @rate_limited
    def registers_index(request):
        return {
            "registers": [
                {
                    "slug": register.slug,
                    "title": str(register.title),
                    "description": str(register.description),
                    "json": request.build_absolute_uri(f"/api/v1/registers/{register.slug}/"),
                    "csv": request.build_absolute_uri(f"/api/v1/registers/{register.slug}/csv"),
                    "feed": request.build_absolute_uri(f"/api/v1/registers/{register.slug}/feed"),
                }
                for register in registers
            ],
            "openapi": request.build_absolute_uri("/api/v1/openapi.json"),
        }

    for register in registers:
        _add_register(router, register)
    api.add_router("/", router)
    feeds = [
        path(f"registers/{register.slug}/feed", _feed_view(register), name=f"opendata_{register.slug}_feed")
        for register in registers
    ]
    return api, feeds
