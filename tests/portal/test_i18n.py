from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES"


def test_korean_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue) > 100


def test_compiled_catalogue_matches_the_source():
    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    compiled_ids = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled}
    stale = [
        e.msgid
        for e in source.translated_entries()
        if not e.msgid_plural and compiled_ids.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert stale == [], "run `make messages`"


@pytest.mark.django_db
def test_pages_are_korean_by_default_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "국가첨단전략기술" in html


@pytest.mark.django_db
def test_language_switch_turns_the_portal_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "National advanced strategic technology designation demand survey" in html
