"""Two web nodes, two workers and the beat on one PostgreSQL, one Redis and one S3 bucket (see cluster.py).

One test drives them, alternating nodes, because starting the cluster is most of its cost: a session
made on one node works on the other; an attachment uploaded through one downloads through the other
unchanged; a version PDF rendered by either worker is served by both; a worker killed in the middle of
a PDF leaves it to the beat, which queues it again; a web node killed during a burst of submissions
loses none that it acknowledged, and the other node keeps serving.
"""

import hashlib
import os
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import pdf_with_noise
from tests.multinode.cluster import BUCKET, Cluster, wait_for

pytestmark = [
    pytest.mark.multinode,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

SUBMITTED = ("surveys.application.submitted", "surveys.application.amended")
PDF_RENDERED = "surveys.version.pdf_rendered"
BURST = 16


class Browser:
    """One visitor's cookies, sent to whichever node it asks, as a TLS-terminating proxy would forward it.

    The session and CSRF cookies are Secure (production settings); the proxy's ``X-Forwarded-Proto``
    makes the portal treat the plain-HTTP hop as HTTPS, so the cookies are kept here and sent as they are.
    """

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def request(self, node, method: str, path: str, **kwargs):
        import requests

        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{node.port}{path}"}
        with self.lock:
            cookies = dict(self.cookies)
        if method == "POST":
            headers["X-CSRFToken"] = cookies.get("csrftoken", "")
        response = requests.request(
            method, node.url + path, headers=headers, cookies=cookies, allow_redirects=False, timeout=90, **kwargs
        )
        with self.lock:
            self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return response

    def get(self, node, path):
        return self.request(node, "GET", path)

    def post(self, node, path, **kwargs):
        return self.request(node, "POST", path, **kwargs)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def cluster(tmp_path):
    started = time.monotonic()
    cluster = Cluster(tmp_path, os.environ["DATABASE_URL"].rsplit("/", 1)[0])
    try:
        cluster.start_services()
        # The nodes boot while the database is migrated; the beat reads its schedule from the database.
        cluster.a, cluster.b = cluster.start_web("web-a"), cluster.start_web("web-b")
        cluster.workers = [cluster.start_worker("worker-1"), cluster.start_worker("worker-2")]
        cluster.manage("migrate", "--noinput", "-v0")
        cluster.create_bucket()
        cluster.beat = cluster.start_beat()
        cluster.data = cluster.world(2 + BURST)
        for node in (cluster.a, cluster.b):
            assert wait_for(lambda: cluster.web_ready(node), 90), node.text()[-3000:]
        for worker in cluster.workers:
            assert wait_for(lambda: "ready." in worker.text(), 90), worker.text()[-3000:]
        cluster.setup_seconds = time.monotonic() - started
        yield cluster
    finally:
        cluster.close()


def version_row(cluster, application_id, number=1):
    rows = cluster.sql(
        "SELECT id, pdf, pdf_sha256 FROM surveys_applicationversion WHERE application_id = %s AND number = %s",
        (application_id, number),
    )
    return rows[0] if rows else None


def has_pdf(cluster, application_id) -> bool:
    row = version_row(cluster, application_id)
    return bool(row and row[1])


def submit(browser, node, application_id):
    return browser.post(
        node,
        f"/applications/{application_id}/submit/",
        data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")},
    )


def acknowledged(response, application_id) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(f"/applications/{application_id}/")


def test_two_web_nodes_and_two_workers_share_sessions_files_and_pdfs(cluster):
    a, b = cluster.a, cluster.b
    slow, plain, *burst = cluster.data["applications"]
    browser = Browser()

    # -- a session made on A works on B ----------------------------------------------------------------------
    assert browser.get(a, "/accounts/login/").status_code == 200
    login = browser.post(
        a,
        "/accounts/login/",
        data={
            "login": cluster.data["email"],
            "password": cluster.data["password"],
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert login.status_code == 302, login.text[:2000]
    assert "sessionid" in browser.cookies
    assert browser.get(b, "/dashboard/applicant/").status_code == 200
    assert Browser().get(b, "/dashboard/applicant/").status_code == 302  # and nobody else's

    # -- an attachment uploaded through A downloads through B, unchanged ------------------------------------
    document = pdf_with_noise(256 * 1024)
    upload = browser.post(
        a,
        f"/applications/{plain}/attachments/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        files={"file": ("사업계획서.pdf", document, "application/pdf")},
    )
    assert upload.status_code == 302, upload.text[:2000]
    [(attachment_id, stored_sha, name)] = cluster.sql(
        "SELECT id, sha256, file FROM surveys_attachment WHERE application_id = %s", (plain,)
    )
    download = browser.get(b, f"/applications/{plain}/attachments/{attachment_id}/")
    assert download.status_code == 200
    assert sha256(download.content) == sha256(document) == stored_sha
    assert cluster.s3_client().head_object(Bucket=BUCKET, Key=name)["ContentLength"] == len(document)
    assert not [p for p in cluster.workdir.glob("media-*/**/*") if p.is_file()]  # nothing on a node's disk

    # -- a version PDF rendered by either worker is served by both nodes ------------------------------------
    assert acknowledged(submit(browser, b, plain), plain)
    assert wait_for(lambda: has_pdf(cluster, plain), 60), [w.text()[-1500:] for w in cluster.workers]
    _version, _pdf, pdf_sha = version_row(cluster, plain)
    served = [browser.get(node, f"/applications/{plain}/versions/1/pdf/") for node in (a, b)]
    assert [r.status_code for r in served] == [200, 200]
    assert served[0].content.startswith(b"%PDF") and served[0].content == served[1].content
    assert sha256(served[1].content) == pdf_sha

    # -- a worker killed in the middle of a PDF: the beat queues it again, another renders it --------------
    def received(worker) -> int:
        return len(re.findall(r"render_version_pdf\[[^]]+\] received", worker.text()))

    seen = [received(w) for w in cluster.workers]
    assert acknowledged(submit(browser, a, slow), slow)
    found = []

    def picked_up():
        found[:] = [w for w, before in zip(cluster.workers, seen, strict=True) if received(w) > before]
        return bool(found)

    assert wait_for(picked_up, 30, interval=0.02), [w.text()[-1500:] for w in cluster.workers]
    time.sleep(0.3)
    killed = found[0]
    killed.kill()
    assert not has_pdf(cluster, slow), "the PDF was finished before the worker was killed"
    survivor = next(w for w in cluster.workers if w is not killed)
    after_kill = len(survivor.text())
    assert wait_for(lambda: has_pdf(cluster, slow), 90), survivor.text()[-3000:] + cluster.beat.text()[-1500:]
    version_id = version_row(cluster, slow)[0]
    assert (
        cluster.sql(
            "SELECT count(*) FROM portal_auditevent WHERE action = %s AND object_id = %s",
            (PDF_RENDERED, str(version_id)),
        )[0][0]
        == 1
    )
    # the beat's task found the version without its PDF and queued it again (it returns how many)
    assert re.search(r"artefacts_requeue\[[^]]+\] succeeded in [\d.]+s: [1-9]", survivor.text()[after_kill:])

    # -- web node A killed during a burst of submissions: nothing acknowledged is lost, B keeps serving -----
    results: dict[int, str] = {}
    node_of: dict[int, object] = {}
    a_killed = threading.Event()

    def one(index_and_id):
        index, application_id = index_and_id
        node = a if index % 2 == 0 else b
        node_of[application_id] = node
        try:
            response = submit(browser, node, application_id)
        except Exception as error:  # noqa: BLE001 - a dead node's refusal or reset
            results[application_id] = f"error: {type(error).__name__}"
            return
        results[application_id] = (
            "acked" if acknowledged(response, application_id) else f"status {response.status_code}"
        )
        if sum(r == "acked" for r in results.values()) >= 4 and not a_killed.is_set():
            a_killed.set()
            a.kill()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, enumerate(burst)))

    acked = [pk for pk, result in results.items() if result == "acked"]
    assert a_killed.is_set() and not a.alive()
    assert all(results[pk] == "acked" for pk in burst if node_of[pk] is b), results  # B answered every time
    assert any(results[pk].startswith("error") for pk in burst if node_of[pk] is a), results  # A was down
    assert browser.get(b, "/dashboard/applicant/").status_code == 200
    for pk in acked:
        assert cluster.sql("SELECT status FROM surveys_application WHERE id = %s", (pk,))[0][0] == "submitted"
        assert version_row(cluster, pk) is not None, pk
        assert (
            cluster.sql(
                "SELECT count(*) FROM portal_auditevent WHERE action IN %s AND object_id = %s", (SUBMITTED, str(pk))
            )[0][0]
            == 1
        ), pk
    assert wait_for(lambda: all(has_pdf(cluster, pk) for pk in acked), 90), survivor.text()[-3000:]
    for pk in acked:
        _version, pdf, digest = version_row(cluster, pk)
        body = cluster.s3_client().get_object(Bucket=BUCKET, Key=pdf)["Body"].read()
        assert body.startswith(b"%PDF") and sha256(body) == digest
    print(f"multinode: setup {cluster.setup_seconds:.1f} s; burst {len(acked)} of {len(burst)} acknowledged")
