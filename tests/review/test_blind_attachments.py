"""Attachments reach reviewers only as blind copies: document properties removed, made once and stored; intake
sees what in their text names the applicant and can ask for blind versions; calls may require blind versions."""

import io
import zipfile
from datetime import timedelta

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from portal.enums import OrganizationType
from review.services.blind import blind_proposals
from surveys.models import AccessAction, AccessEvent, Application, BlindCopy, Survey
from surveys.services import applications as service
from surveys.services.blind_copies import make_blind, strip_image
from surveys.services.intake import intake_accept
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import accept, add_reviewer, assign, body, log_in

pytestmark = pytest.mark.django_db

COMPANY = "가람정밀 주식회사"
PERSON = "서지우"
PHONE = "02-555-1234"
EMAIL = "ji.woo@garam.example"
PAGE_TEXT = f"{COMPANY} 사업계획서. 책임자 {PERSON}, 문의 {PHONE}, {EMAIL}. 감속기 백래시 1 arcmin 이하."


def make_pdf(text: str = PAGE_TEXT, *, author: str = COMPANY, creator: str = PERSON) -> bytes:
    """A real PDF naming the company in its page text, its info dictionary and its XMP stream."""
    data = weasyprint.HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Author": author, "/Creator": creator, "/Title": f"{author} 계획서"})
    xmp = StreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{author}</dc:creator></x:xmpmeta>'.encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(text: str = PAGE_TEXT, *, author: str = COMPANY) -> bytes:
    """A minimal Word document naming the company in its body, core, app and custom properties and a comment."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'  # noqa: E501 (the document as the test writes it)
                "</Types>"
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'  # noqa: E501 (the document as the test writes it)
                "</Relationships>"
            ),
        )
        words = "".join(f"<w:r><w:t>{piece}</w:t></w:r>" for piece in text.split(" "))
        archive.writestr(
            "word/document.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body><w:p>{words}</w:p><w:p><w:ins w:id="1" w:author="{author}"><w:r><w:t>추가</w:t></w:r></w:ins></w:p></w:body></w:document>'  # noqa: E501 (the document as the test writes it)
            ),
        )
        archive.writestr(
            "word/comments.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:comment w:id="0" w:author="{PERSON}" w:initials="SJ"><w:p><w:r><w:t>확인</w:t></w:r></w:p></w:comment></w:comments>'  # noqa: E501 (the document as the test writes it)
            ),
        )
        archive.writestr(
            "docProps/core.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '  # noqa: E501 (the document as the test writes it)
                'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f"<dc:creator>{author}</dc:creator><cp:lastModifiedBy>{PERSON}</cp:lastModifiedBy></cp:coreProperties>"
            ),
        )
        archive.writestr(
            "docProps/app.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                f"<Company>{author}</Company><Manager>{PERSON}</Manager></Properties>"
            ),
        )
        archive.writestr(
            "docProps/custom.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
                f'<property name="사업자"><vt:lpwstr xmlns:vt="x">{PHONE}</vt:lpwstr></property></Properties>'
            ),
        )
    return out.getvalue()


@pytest.fixture
def company_applicant(db):
    company = OrganizationFactory(
        type=OrganizationType.COMPANY,
        name=COMPANY,
        name_en="Garam Precision",
        code="GARAM",
        business_number="214-81-10004",
    )
    return make_user("applicant", organization=company, manager=True, name=PERSON, email=EMAIL, phone=PHONE)


def submit(survey, user, answers, files, *, blind=None):
    """A complete application submitted directly with these files (and their blind versions, by index)."""
    application = service.application_create(survey, organization=user.memberships.get().organization, actor=user)
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    for index, (name, data) in enumerate(files):
        original = service.attachment_add(application, upload=SimpleUploadedFile(name, data), actor=user)
        if blind and index in blind:
            service.attachment_add(
                application, upload=SimpleUploadedFile(f"blind-{name}", blind[index]), actor=user, blind_of=original
            )
    service.application_submit(Application.objects.get(pk=application.pk), actor=user)
    return Application.objects.get(pk=application.pk)


def reviewer_download(client, application, admin, panel):
    """Accept at intake, assign a reviewer who declares no conflict, and download every attachment as them."""
    application = intake_accept(application, actor=admin)
    reviewer = add_reviewer(panel, name="이도현")
    assignment = accept(assign(application.candidate, reviewer, admin))
    log_in(client, reviewer)
    page = client.get(reverse("review:assignment", kwargs={"pk": assignment.pk})).content.decode()
    responses = []
    for proposal in blind_proposals(application.candidate):
        for info in proposal.attachments:
            responses.append(
                client.get(reverse("review:attachment", kwargs={"pk": assignment.pk, "attachment_id": info["id"]}))
            )
    return page, responses, reviewer


def test_reviewer_gets_a_pdf_without_info_or_xmp(
    client, open_survey, admin, panel, company_applicant, complete_answers
):
    original = make_pdf()
    application = submit(open_survey, company_applicant, complete_answers, [("가람정밀_계획서.pdf", original)])
    _page, (response,), reviewer = reviewer_download(client, application, admin, panel)
    assert response.status_code == 200
    data = body(response)
    assert data != original
    reader = PdfReader(io.BytesIO(data))
    assert not any(COMPANY in str(v) or PERSON in str(v) for v in (reader.metadata or {}).values())
    assert "/Metadata" not in reader.trailer["/Root"]
    assert COMPANY.encode() not in data and "가람정밀".encode("utf-16-be") not in data
    assert "감속기" in reader.pages[0].extract_text()  # the content itself is kept
    assert (
        AccessEvent.objects.filter(
            user=reviewer, application=application, action=AccessAction.REVIEW_ATTACHMENT
        ).count()
        == 1
    )


def test_blind_copy_is_made_once_and_reused(client, open_survey, admin, panel, company_applicant, complete_answers):
    application = submit(open_survey, company_applicant, complete_answers, [("a.pdf", make_pdf())])
    _page, (first,), reviewer = reviewer_download(client, application, admin, panel)
    stored = BlindCopy.objects.get()
    again = client.get(first.request["PATH_INFO"])
    assert again.status_code == 200 and body(again) == body(first)
    assert BlindCopy.objects.get().pk == stored.pk and BlindCopy.objects.count() == 1
    assert AccessEvent.objects.filter(user=reviewer, action=AccessAction.REVIEW_ATTACHMENT).count() == 2


def test_submission_queues_the_blind_copies(
    open_survey, company_applicant, complete_answers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(open_survey, company_applicant, complete_answers, [("a.pdf", make_pdf())])
    attachment = application.attachments.get()
    copy = BlindCopy.objects.get(sha256=attachment.sha256)
    assert copy.status == BlindCopy.Status.READY and copy.file and "감속기" in copy.text


def test_reviewer_gets_a_docx_without_properties_or_authors(
    client, open_survey, admin, panel, company_applicant, complete_answers
):
    application = submit(open_survey, company_applicant, complete_answers, [("계획서.docx", make_docx())])
    _page, (response,), _reviewer = reviewer_download(client, application, admin, panel)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".docx")
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist()}
    for name in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "word/comments.xml"):
        assert COMPANY not in parts[name] and PERSON not in parts[name] and PHONE not in parts[name], name
    assert f'w:author="{COMPANY}"' not in parts["word/document.xml"]
    assert "감속기" in parts["word/document.xml"]


def test_intake_sees_the_names_in_attachments_before_review(
    client, open_survey, admin, company_applicant, complete_answers
):
    application = submit(
        open_survey,
        company_applicant,
        complete_answers,
        [("plan.pdf", make_pdf()), ("plan.docx", make_docx()), ("clean.pdf", make_pdf("감속기 사양", author="x"))],
    )
    log_in(client, admin)
    response = client.get(
        reverse("surveys:intake_application", kwargs={"pk": open_survey.pk, "application_pk": application.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="blind-findings"' in html
    warning = html.split('data-testid="blind-findings"')[1].split("</section>")[0]
    for hit in (COMPANY, PERSON, PHONE, EMAIL):
        assert hit in warning, hit
    assert "plan.pdf" in warning and "plan.docx" in warning and "clean.pdf" not in warning


def test_intake_asks_for_blind_versions_by_returning_with_the_hits(
    client, open_survey, admin, company_applicant, complete_answers
):
    application = submit(open_survey, company_applicant, complete_answers, [("plan.pdf", make_pdf())])
    log_in(client, admin)
    url = reverse("surveys:intake_application", kwargs={"pk": open_survey.pk, "application_pk": application.pk})
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(url, {"decision": "blind", "blind-correction_due": due})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "returned"
    assert "plan.pdf" in application.return_reason and PHONE in application.return_reason


def test_intake_blind_request_without_a_date_is_a_400(client, open_survey, admin, company_applicant, complete_answers):
    application = submit(open_survey, company_applicant, complete_answers, [("plan.pdf", make_pdf())])
    log_in(client, admin)
    url = reverse("surveys:intake_application", kwargs={"pk": open_survey.pk, "application_pk": application.pk})
    assert client.post(url, {"decision": "blind", "blind-correction_due": ""}).status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_pdf_that_cannot_be_read_is_withheld_from_reviewers(
    client, open_survey, admin, panel, company_applicant, complete_answers, monkeypatch
):
    broken = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    # uploads are refused unless they parse; this stands for a file accepted before that check
    monkeypatch.setattr("portal.uploads._check_pdf", lambda upload, *, name: None)
    application = submit(open_survey, company_applicant, complete_answers, [("broken.pdf", broken)])
    page, (response,), _reviewer = reviewer_download(client, application, admin, panel)
    assert response.status_code == 404
    assert 'data-testid="attachment-withheld"' in page
    log_in(client, admin)
    html = client.get(
        reverse("surveys:intake_application", kwargs={"pk": open_survey.pk, "application_pk": application.pk})
    ).content.decode()
    assert "broken.pdf" in html.split('data-testid="blind-findings"')[1]


# -- calls that require a blind version of each attachment ---------------------------------------------------------


def test_blind_version_is_required_before_submission(open_survey, company_applicant, complete_answers):
    Survey.objects.filter(pk=open_survey.pk).update(blind_version_required=True)
    open_survey.refresh_from_db()
    application = service.application_create(
        open_survey, organization=company_applicant.memberships.get().organization, actor=company_applicant
    )
    for section, data in complete_answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=company_applicant
        )
    original = service.attachment_add(
        application, upload=SimpleUploadedFile("plan.pdf", make_pdf()), actor=company_applicant
    )
    missing = service.completeness(Application.objects.get(pk=application.pk))
    assert [m.field for m in missing] == [f"blind-{original.pk}"]
    with pytest.raises(service.DomainError):
        service.application_submit(Application.objects.get(pk=application.pk), actor=company_applicant)
    service.attachment_add(
        application,
        upload=SimpleUploadedFile("blind.pdf", make_pdf("감속기", author="x")),
        actor=company_applicant,
        blind_of=original,
    )
    assert service.completeness(Application.objects.get(pk=application.pk)) == []
    version = service.application_submit(Application.objects.get(pk=application.pk), actor=company_applicant)
    assert [a["blind_of"] for a in version.attachments] == [None, original.pk]


def test_reviewers_receive_the_blind_version_stripped(
    client, open_survey, admin, panel, company_applicant, complete_answers
):
    Survey.objects.filter(pk=open_survey.pk).update(blind_version_required=True)
    open_survey.refresh_from_db()
    blind = make_pdf("블라인드 사양서 감속기", author="블라인드작성자")
    application = submit(open_survey, company_applicant, complete_answers, [("plan.pdf", make_pdf())], blind={0: blind})
    page, (response,), _reviewer = reviewer_download(client, application, admin, panel)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(body(response)))
    assert "블라인드사양서" in reader.pages[0].extract_text().replace(" ", "")
    assert not any("블라인드작성자" in str(v) for v in (reader.metadata or {}).values())
    assert "Attachment 1" in page or "첨부 1" in page or "1 (PDF)" in page


def test_applicant_uploads_a_blind_version_on_the_attachment_step(client, open_survey, company_applicant):
    Survey.objects.filter(pk=open_survey.pk).update(blind_version_required=True)
    application = service.application_create(
        Survey.objects.get(pk=open_survey.pk),
        organization=company_applicant.memberships.get().organization,
        actor=company_applicant,
    )
    original = service.attachment_add(
        application, upload=SimpleUploadedFile("plan.pdf", make_pdf()), actor=company_applicant
    )
    log_in(client, company_applicant)
    url = reverse("surveys:application_attachments", kwargs={"pk": application.pk})
    html = client.get(url).content.decode()
    assert 'data-testid="blind-version"' in html and f'name="blind_of" value="{original.pk}"' in html
    response = client.post(
        url, {"blind_of": str(original.pk), "file": SimpleUploadedFile("blind.pdf", make_pdf("감속기", author="x"))}
    )
    assert response.status_code == 302
    blind = application.attachments.get(blind_of=original)
    assert blind.original_name == "blind.pdf" and blind.removed_at is None
    bad = client.post(url, {"blind_of": "999999999", "file": SimpleUploadedFile("b.pdf", make_pdf("x", author="x"))})
    assert bad.status_code == 400 and application.attachments.count() == 2


# -- the cleaning itself -------------------------------------------------------------------------------------------


def test_image_metadata_is_removed():
    from PIL import Image

    picture = Image.new("RGB", (8, 8), "red")
    exif = picture.getexif()
    exif[0x013B] = PERSON  # Artist
    exif[0x8298] = COMPANY  # Copyright
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif.tobytes())
    assert PERSON.encode() in out.getvalue() or Image.open(io.BytesIO(out.getvalue())).getexif().get(0x013B)
    cleaned = strip_image(out.getvalue(), "jpg")
    assert not Image.open(io.BytesIO(cleaned)).getexif()


def test_hwpx_package_metadata_is_removed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr(
            "Contents/content.hpf",
            (
                '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>가람정밀</opf:title>'
                f'<opf:meta name="creator">{PERSON}</opf:meta></opf:metadata><opf:manifest/></opf:package>'
            ),
        )
        archive.writestr("Contents/section0.xml", f"<hs:sec><hp:t>{COMPANY} 감속기</hp:t></hs:sec>")
    status, data, text = make_blind(out.getvalue(), "hwpx")
    assert status == BlindCopy.Status.READY and COMPANY in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        package = archive.read("Contents/content.hpf").decode()
        assert archive.namelist()[0] == "mimetype"
    assert PERSON not in package and "가람정밀" not in package and "<opf:manifest/>" in package


def test_a_zip_that_unpacks_too_far_is_not_unpacked(settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (201 * 2**20))
    status, data, _text = make_blind(out.getvalue(), "docx")
    assert status == BlindCopy.Status.UNREADABLE and data == b""


def test_the_call_setting_is_editable_and_recounts_received_applications(
    open_survey, admin, company_applicant, complete_answers
):
    from surveys.services.calls import survey_update

    application = submit(open_survey, company_applicant, complete_answers, [("plan.pdf", make_pdf())])
    assert application.missing_count == 0
    survey_update(open_survey, data={"blind_version_required": True}, fields=open_survey.fields.all(), actor=admin)
    assert Survey.objects.get(pk=open_survey.pk).blind_version_required
    assert Application.objects.get(pk=application.pk).missing_count == 1


def test_scanned_text_is_storable_even_with_nul_characters(open_survey, company_applicant, complete_answers):
    docx = make_docx(f"{COMPANY}\x00 감속기")
    status, _data, text = make_blind(docx, "docx")
    assert status == BlindCopy.Status.READY and "\x00" not in text
    application = submit(open_survey, company_applicant, complete_answers, [("nul.docx", docx)])
    from surveys.services.blind_copies import blind_copy_for

    copy = blind_copy_for(application.attachments.get())
    assert copy.status == BlindCopy.Status.READY and COMPANY in BlindCopy.objects.get(pk=copy.pk).text


def test_an_objections_re_reviewer_gets_the_blind_copies_too(
    client, open_survey, admin, panel, company_applicant, complete_answers
):
    """An expert asked to re-review after an upheld objection reads the same blind copies, once pledged."""

    from review.services.reviewing import pledge_sign
    from tests.factories import ReReviewFactory

    application = intake_accept(
        submit(open_survey, company_applicant, complete_answers, [("가람정밀_계획서.pdf", make_pdf())]), actor=admin
    )
    expert = add_reviewer(panel, name="재검토위원")
    re_review = ReReviewFactory(objection__result__application=application, reviewer=expert, assigned_by=admin)
    (info,) = [a for p in blind_proposals(application.candidate) for a in p.attachments]
    url = reverse("review:re_review_attachment", kwargs={"pk": re_review.pk, "attachment_id": info["id"]})
    log_in(client, expert)
    assert client.get(url).status_code == 404  # not before the pledge

    pledge_sign(open_survey, reviewer=expert, signed_name="재검토위원")
    page = client.get(reverse("review:re_review", kwargs={"pk": re_review.pk})).content.decode()
    response = client.get(url)

    assert url in page and COMPANY not in page
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(body(response)))
    assert not any(COMPANY in str(v) or PERSON in str(v) for v in (reader.metadata or {}).values())
    assert AccessEvent.objects.filter(user=expert, action=AccessAction.REVIEW_ATTACHMENT).count() == 1
