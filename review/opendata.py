"""The register of designated technologies as open data (see ``portal/opendata.py``).

Rows come from the register page's own selector (``public_register_entries``) and redaction
(``public_text``): a part withheld on the page is null here, and listed in ``withheld``.
"""

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from portal.opendata import OpenRegister
from review.selectors import public_register_entries, public_register_state
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


def technology_rows(entries) -> list[dict]:
    names = field_names({entry.field_code for entry in entries})
    rows = []
    for entry in entries:
        text = public_text(entry)
        rows.append({
            "number": entry.number, "title": text.title, "field_code": entry.field_code,
            "field_name": names.get(entry.field_code, entry.field_code),
            "scope": text.scope, "specification": text.specification,
            "withheld": [part for part in ("scope", "specification") if getattr(text, part) is None],
            "status": entry.status, "notice_number": entry.notice.number,
            "notice_effective_on": entry.notice.effective_on, "designated_at": entry.created_at,
            "updated_at": entry.updated_at, "url": reverse("review:register_entry", kwargs={"pk": entry.pk}),
        })
    return rows


TECHNOLOGIES = OpenRegister(
    slug="technologies",
    title=_("Register of designated technologies"),
    description=_("National advanced strategic technologies designated by ministerial notice. Parts withheld for "
                  "security are not shown or searched."),
    schema=Technology,
    filters=TechnologyFilters,
    entries=public_register_entries,
    rows=technology_rows,
    state=public_register_state,
    key="number",
    lookup=lambda entries, number: entries.filter(number=number),
    page_url=lambda row: row["url"],
    changed_at="updated_at",
    created_at="designated_at",
)
