"""Helpers shared by the collection tests."""

import io
import json
import re

from pypdf import PdfReader

from surveys.models import Application
from surveys.services import applications as service
from tests.factories import organization_of  # noqa: F401 (shared with the collection tests)


def fill(application, answers, actor):
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=actor
        )
    return application


def drafted(survey, user, answers, *, association=None, organization=None):
    application = service.application_create(
        survey, organization=organization or organization_of(user), actor=user, association=association
    )
    return fill(application, answers, user)


def submitted(survey, user, answers, *, association=None, organization=None, title=None):
    """A complete application, submitted once (to the association when one is chosen)."""
    if title:
        answers = {**answers, "basic": {**answers["basic"], "technology_name": title}}
    application = drafted(survey, user, answers, association=association, organization=organization)
    service.application_submit(application, actor=user)
    return Application.objects.get(pk=application.pk)


def amend(application, user, *, title):
    """Change the technology name and submit again."""
    application = Application.objects.get(pk=application.pk)
    basic = {**application.answers["basic"], "technology_name": title}
    application = service.application_save_draft(
        application, section="basic", data=basic, revision=application.revision, actor=user
    )
    return service.application_submit(application, actor=user)


def log_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    """The PDF's text with the spaces and line breaks pypdf puts between glyphs removed."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def json_script(response, element_id: str):
    match = re.search(
        rf'<script id="{re.escape(element_id)}" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, f"no json_script {element_id!r} on the page"
    return json.loads(match.group(1))


def block_with_testid(response, testid: str) -> str | None:
    """The inner HTML of the first element with this data-testid (up to its first closing div)."""
    match = re.search(rf'<div[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else None


def recipients(outbox) -> list[str]:
    return [address for message in outbox for address in message.to]
