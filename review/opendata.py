"""The register of designated technologies as open data (see ``portal/opendata.py``).

Rows come from the register page's own selector (``public_register_entries``) and redaction
(``public_text``): a part withheld on the page is null here, and listed in ``withheld``.
"""

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from portal.opendata import OpenRegister, open_register
from review.selectors import (
    designated_complexes,
    designated_complexes_state,
    public_register_entries,
    public_register_state,
)
from review.services.notices import public_text
from surveys.selectors import field_names


class TechnologyFilters(Schema):
    q: str = Field("", max_length=200, description="Search in the number, the technology and the public scope")
    field: str = Field("", max_length=20, description="Field code, e.g. ROB")
    status: Literal["", "active", "revoked"] = Field("", description="active: designated; revoked")


class Technology(Schema):
    number: str = Field(description="Register number")
    title: str = Field(description="Designated technology")
    field_code: str
    field_name: str = Field(description="Field, in Korean")
    scope: str | None = Field(description="Scope; null when withheld for security")
    specification: str | None = Field(description="Specification; null when withheld for security")
    withheld: list[str] = Field(description="Parts withheld for security")
    status: str = Field(description="active (designated) or revoked")
    notice_number: str = Field(description="The notice behind the entry's current text")
    notice_effective_on: date
    designated_at: datetime
    updated_at: datetime
    url: str = Field(description="The entry's public page")


def _entry_columns(entry) -> dict:
    """The columns every register's entry has: its status, the notice behind its current text and its dates."""
    return {
        "status": entry.status,
        "notice_number": entry.notice.number,
        "notice_effective_on": entry.notice.effective_on,
        "designated_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _numbered_register(**described) -> OpenRegister:
    """A register whose entries are named by their number, link to their row's ``url`` and are dated by their
    designation and their last change."""
    return OpenRegister(
        key="number",
        lookup=lambda entries, number: entries.filter(number=number),
        page_url=lambda row: row["url"],
        changed_at="updated_at",
        created_at="designated_at",
        **described,
    )


def technology_rows(entries) -> list[dict]:
    names = field_names({entry.field_code for entry in entries})
    rows = []
    for entry in entries:
        text = public_text(entry)
        rows.append(
            {
                "number": entry.number,
                "title": text.title,
                "field_code": entry.field_code,
                "field_name": names.get(entry.field_code, entry.field_code),
                "scope": text.scope,
                "specification": text.specification,
                "withheld": [part for part in ("scope", "specification") if getattr(text, part) is None],
                **_entry_columns(entry),
                "url": reverse("review:register_entry", kwargs={"pk": entry.pk}),
            }
        )
    return rows


TECHNOLOGIES = _numbered_register(
    slug="technologies",
    title=_("Register of designated technologies"),
    description=_(
        "National advanced strategic technologies designated by ministerial notice. Parts withheld for "
        "security are not shown or searched."
    ),
    schema=Technology,
    filters=TechnologyFilters,
    entries=public_register_entries,
    rows=technology_rows,
    state=public_register_state,
)


class ComplexFilters(Schema):
    q: str = Field("", max_length=200, description="Search in the number, the name and the location")
    field: str = Field("", max_length=20, description="Field code, e.g. BAT")
    province: str = Field("", max_length=4, description="Province code (행정구역 코드), e.g. 43")
    status: Literal["", "active", "revoked"] = Field("", description="active: designated; revoked")


class AnchorCompany(Schema):
    company: str
    investment: str = Field(description="Investment committed, KRW 100 million, as in the notice")
    year: str
    jobs: str


class DesignatedComplexRow(Schema):
    number: str = Field(description="Register number")
    name: str = Field(description="Designated specialised complex")
    field_code: str
    field_name: str = Field(description="Field, in Korean")
    province: str = Field(description="Province code")
    province_name: str
    city: str
    location: str
    area_m2: str = Field(description="Area in m², as designated")
    anchor_companies: list[AnchorCompany]
    conditions: str = Field(description="Conditions of the designation; empty when there are none")
    conditions_met_at: datetime | None
    status: str = Field(description="active (designated) or revoked")
    notice_number: str = Field(description="The notice behind the entry's current text")
    notice_effective_on: date
    designated_at: datetime
    updated_at: datetime
    url: str = Field(description="The complex's public page")


def _complex_entries(filters: dict):
    return designated_complexes(**{key: filters.get(key) or "" for key in ("q", "field", "province", "status")})


def _plain(number) -> str:
    """1000000.00 → "1000000": the area as designated, without the column's padding."""
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def complex_rows(entries) -> list[dict]:
    from review.services.complex_notices import province_name

    names = field_names({entry.field_code for entry in entries})
    return [
        {
            "number": entry.number,
            "name": entry.name,
            "field_code": entry.field_code,
            "field_name": names.get(entry.field_code, entry.field_code),
            "province": entry.province,
            "province_name": province_name(entry.province),
            "city": entry.city,
            "location": entry.location,
            "area_m2": _plain(entry.area_m2),
            "anchor_companies": [
                {key: str(row.get(key, "")) for key in ("company", "investment", "year", "jobs")}
                for row in entry.anchor_companies
                if isinstance(row, dict)
            ],
            "conditions": entry.conditions,
            "conditions_met_at": entry.conditions_met_at,
            **_entry_columns(entry),
            "url": reverse("review:complex_register_entry", kwargs={"number": entry.number}),
        }
        for entry in entries
    ]


COMPLEXES = _numbered_register(
    slug="complexes",
    title=_("Register of designated specialised complexes"),
    description=_("National advanced strategic industry specialised complexes designated by ministerial notice."),
    schema=DesignatedComplexRow,
    filters=ComplexFilters,
    entries=_complex_entries,
    rows=complex_rows,
    state=designated_complexes_state,
)

open_register(TECHNOLOGIES, COMPLEXES)
