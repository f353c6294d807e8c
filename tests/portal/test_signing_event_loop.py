import asyncio

import pytest

from portal.services.pdf import render_signed_pdf
from portal.services.signing import pdf_signatures_check


@pytest.mark.django_db
def test_signing_works_while_an_event_loop_runs_in_this_thread():
    async def inside():
        result = render_signed_pdf("pdf/sample.html", {"title": "접수증", "body": "본문"})
        return result, pdf_signatures_check(result.data)

    result, checks = asyncio.run(inside())
    assert result.signed and [c.valid for c in checks] == [True]
