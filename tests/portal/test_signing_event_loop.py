import asyncio

import pytest

from portal.services.pdf import render_signed_pdf
from portal.services.signing import pdf_signatures_check


def _sign_and_check():
    result = render_signed_pdf("pdf/sample.html", {"title": "접수증", "body": "본문"})
    return result, pdf_signatures_check(result.data)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.django_db
def test_signing_works_while_an_event_loop_runs_in_this_thread():
    async def inside():
        assert _loop_running()
        return _sign_and_check()

    if _loop_running():
        # Something that ran earlier in this worker process left an event loop running in this thread: that is
        # the very condition under test, and asyncio.run would refuse to start another.
        result, checks = _sign_and_check()
    else:
        result, checks = asyncio.run(inside())
    assert result.signed and [c.valid for c in checks] == [True]
