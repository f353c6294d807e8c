"""Recipients: imported from CSV/XLSX with each bad row reported, or chosen by type and field."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.enums import OrganizationType
from portal.models import AuditEvent, Organization
from surveys.models import Field, Recipient
from surveys.services.distribution import recipients_add_by_selection
from tests.factories import OrganizationFactory, make_user
from tests.surveys.helpers import ko, make_survey

pytestmark = pytest.mark.django_db

HEADER = ["기관명", "담당자", "이메일"]
ROWS = [
    ["한빛로보틱스 주식회사", "강민서", "kang@hanbit.example"],  # row 2: good
    ["세종정밀 주식회사", "이서준", "LEE@Sejong.example"],  # row 3: good, upper case
    ["한빛로보틱스 주식회사", "강민서", "KANG@hanbit.example"],  # row 4: the same address again
    ["누리테크", "박지훈", "not-an-email"],  # row 5: bad address
    ["", "최유진", "choi@nuri.example"],  # row 6: no organisation
    ["가람연구원", "정하늘", "jung@garam.example"],  # row 7: good, after the bad ones
]
GOOD = {"kang@hanbit.example", "lee@sejong.example", "jung@garam.example"}


def _csv(rows, encoding):
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FILES = {
    "utf8-bom.csv": lambda rows: _csv(rows, "utf-8-sig"),
    "cp949.csv": lambda rows: _csv(rows, "cp949"),
    "list.xlsx": _xlsx,
}


def _upload(client, survey, name, content):
    return client.post(
        reverse("surveys:manage_recipients_import", kwargs={"pk": survey.pk}),
        {"file": SimpleUploadedFile(name, content)},
    )


def _import_errors(html):
    assert 'data-testid="import-errors"' in html
    return html.split('data-testid="import-errors"', 1)[1].split("</div>", 1)[0]


def test_cp949_file_is_not_valid_utf8():
    with pytest.raises(UnicodeDecodeError):
        FILES["cp949.csv"]([HEADER, *ROWS]).decode("utf-8")


@pytest.mark.parametrize("name", list(FILES))
def test_import_adds_good_rows_and_reports_each_bad_row(admin_client, name):
    survey = make_survey()
    hanbit = OrganizationFactory(name="한빛로보틱스 주식회사")
    response = _upload(admin_client, survey, name, FILES[name]([HEADER, *ROWS]))
    assert response.status_code == 200
    assert set(survey.recipients.values_list("email", flat=True)) == GOOD
    kang = survey.recipients.get(email="kang@hanbit.example")
    assert (kang.organization, kang.organization_name, kang.name, kang.source) == (
        hanbit,
        "한빛로보틱스 주식회사",
        "강민서",
        Recipient.Source.IMPORT,
    )
    assert survey.recipients.get(email="jung@garam.example").organization is None
    html = response.content.decode()
    errors = _import_errors(html)
    assert ko("Row %(line)s", line=5) in errors and "not-an-email" in errors
    assert ko("Row %(line)s", line=6) in errors and ko("The organisation name is missing.") in errors
    assert errors.count("<li>") == 2
    assert (
        ko(
            "%(added)d added, %(skipped)d already on the list, %(errors)d rows with errors.",
            added=3,
            skipped=1,
            errors=2,
        )
        in html
    )
    event = AuditEvent.objects.for_object(survey).get(action="surveys.recipients.imported")
    assert event.after == {"file": name, "added": 3, "skipped": 1, "errors": 2}
    # Every data row is accounted for: added, already on the list, or reported.
    assert event.after["added"] + event.after["skipped"] + event.after["errors"] == len(ROWS)


@pytest.mark.parametrize("name", list(FILES))
def test_import_reports_the_row_number_of_the_file_even_after_a_blank_row(admin_client, name):
    survey = make_survey()
    rows = [
        HEADER,
        ["한빛로보틱스 주식회사", "강민서", "kang@hanbit.example"],
        ["", "", ""],
        ["누리테크", "박지훈", "bad@"],
    ]
    response = _upload(admin_client, survey, name, FILES[name](rows))
    assert response.status_code == 200
    errors = _import_errors(response.content.decode())
    assert ko("Row %(line)s", line=4) in errors
    assert ko("Row %(line)s", line=3) not in errors
    assert list(survey.recipients.values_list("email", flat=True)) == ["kang@hanbit.example"]


def test_import_twice_adds_nothing_the_second_time(admin_client):
    survey = make_survey()
    _upload(admin_client, survey, "a.csv", FILES["utf8-bom.csv"]([HEADER, *ROWS]))
    response = _upload(admin_client, survey, "a.csv", FILES["utf8-bom.csv"]([HEADER, *ROWS]))
    assert response.status_code == 200
    assert survey.recipients.count() == 3
    event = AuditEvent.objects.for_object(survey).filter(action="surveys.recipients.imported").order_by("pk").last()
    assert event.after["added"] == 0 and event.after["skipped"] == 4


def test_import_accepts_english_headers_in_any_order(admin_client):
    survey = make_survey()
    content = "E-mail,Organization,Name\nkang@hanbit.example,Hanbit Robotics,Kang\n".encode()
    assert _upload(admin_client, survey, "en.csv", content).status_code == 200
    recipient = survey.recipients.get()
    assert (recipient.organization_name, recipient.name, recipient.email) == (
        "Hanbit Robotics",
        "Kang",
        "kang@hanbit.example",
    )


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "wrong.csv",
            "회사,메일\n한빛,kang@hanbit.example\n".encode(),
            "The first row must name the columns 기관명 (organisation), 담당자 (name) and 이메일 (e-mail).",
        ),
        (
            "wrong.xlsx",
            _xlsx([["회사", "메일"], ["한빛", "kang@hanbit.example"]]),
            "The first row must name the columns 기관명 (organisation), 담당자 (name) and 이메일 (e-mail).",
        ),
        (
            "list.txt",
            "기관명,담당자,이메일\n한빛,강민서,kang@hanbit.example\n".encode(),
            "Upload a .csv or .xlsx file.",
        ),
        ("broken.xlsx", b"this is not a workbook", "The file could not be read as an Excel workbook (.xlsx)."),
        ("empty.csv", "\n\n".encode(), "The file is empty."),
        (
            "latin1.csv",
            "기관명,담당자,이메일\n".encode() + b"\xff\xfe\xfa\n",
            "The CSV file must be saved as UTF-8 or CP949 (EUC-KR).",
        ),
    ],
    ids=["csv-headers", "xlsx-headers", "txt", "not-xlsx", "empty", "bad-encoding"],
)
def test_unreadable_import_is_refused_with_a_clear_error(admin_client, name, content, message):
    survey = make_survey()
    response = _upload(admin_client, survey, name, content)
    assert response.status_code == 400
    assert response.context["import_form"].errors["file"]
    assert ko(message) in response.content.decode()
    assert not survey.recipients.exists()
    assert not AuditEvent.objects.filter(action="surveys.recipients.imported").exists()


def test_import_without_a_file_is_refused(admin_client):
    survey = make_survey()
    response = admin_client.post(reverse("surveys:manage_recipients_import", kwargs={"pk": survey.pk}))
    assert response.status_code == 400
    assert "file" in response.context["import_form"].errors


# Selection by organisation type and field ----------------------------------------------


@pytest.fixture
def organizations(db):
    robot, battery = Field.objects.get(code="ROB"), Field.objects.get(code="BAT")
    industrial = Field.objects.get(code="ROB-IND")
    made = {
        "hanbit": OrganizationFactory(name="한빛로보틱스 주식회사", type=OrganizationType.COMPANY),
        "sejong": OrganizationFactory(name="세종배터리 주식회사", type=OrganizationType.COMPANY),
        "fri": OrganizationFactory(name="미래로봇연구원", type=OrganizationType.RESEARCH_INSTITUTE),
        "kar": OrganizationFactory(name="한국로봇산업협회", type=OrganizationType.ASSOCIATION),
        "closed": OrganizationFactory(name="폐업로봇 주식회사", type=OrganizationType.COMPANY, is_active=False),
    }
    robot.organizations.add(made["hanbit"], made["kar"], made["closed"])
    battery.organizations.add(made["sejong"])
    industrial.organizations.add(made["fri"])
    users = {
        "hanbit_manager": make_user("applicant", organization=made["hanbit"], manager=True, email="ceo@hanbit.example"),
        "hanbit_member": make_user("applicant", organization=made["hanbit"], email="rnd@hanbit.example"),
        "hanbit_gone": make_user(
            "applicant", organization=made["hanbit"], email="gone@hanbit.example", is_active=False
        ),
        "hanbit_revoked": make_user("applicant", organization=made["hanbit"], email="revoked@hanbit.example"),
        "sejong": make_user("applicant", organization=made["sejong"], email="cell@sejong.example"),
        "fri": make_user("applicant", organization=made["fri"], email="lab@fri.example"),
        "kar": make_user("association_staff", organization=made["kar"], email="staff@kar.example"),
        "closed": make_user("applicant", organization=made["closed"], email="ceo@closed.example"),
    }
    users["hanbit_revoked"].memberships.update(is_active=False)
    return made


def _emails(survey):
    return set(survey.recipients.values_list("email", flat=True))


@pytest.mark.parametrize(
    "types,fields,expected",
    [
        (["company"], ["ROB"], {"ceo@hanbit.example", "rnd@hanbit.example"}),
        (["company", "research_institute"], ["ROB"], {"ceo@hanbit.example", "rnd@hanbit.example", "lab@fri.example"}),
        (["company"], [], {"ceo@hanbit.example", "rnd@hanbit.example", "cell@sejong.example"}),
        (["company"], ["BAT"], {"cell@sejong.example"}),
        (["association"], ["ROB"], {"staff@kar.example"}),
        (["research_institute"], ["BAT"], set()),
    ],
)
def test_selection_adds_active_members_of_the_chosen_types_and_fields(admin, organizations, types, fields, expected):
    survey = make_survey()
    chosen = list(Field.objects.filter(code__in=fields))
    added = recipients_add_by_selection(survey, types=types, fields=chosen, actor=admin)
    assert added == len(expected)
    assert _emails(survey) == expected
    assert set(survey.recipients.values_list("source", flat=True)) <= {Recipient.Source.SELECTION}
    event = AuditEvent.objects.for_object(survey).get(action="surveys.recipients.added")
    assert event.after == {"types": types, "fields": sorted(fields), "added": len(expected)}


def test_selection_links_recipients_to_their_organisation(admin, organizations):
    survey = make_survey()
    recipients_add_by_selection(survey, types=["company"], fields=[Field.objects.get(code="BAT")], actor=admin)
    recipient = survey.recipients.get()
    assert recipient.organization == organizations["sejong"]
    assert recipient.organization_name == "세종배터리 주식회사"
    assert recipient.name == Organization.objects.get(pk=organizations["sejong"].pk).memberships.get().user.name


def test_selection_twice_adds_no_one_twice(admin, organizations):
    survey = make_survey()
    first = recipients_add_by_selection(survey, types=["company"], fields=[], actor=admin)
    second = recipients_add_by_selection(survey, types=["company", "research_institute"], fields=[], actor=admin)
    assert (first, second) == (3, 1)
    assert survey.recipients.count() == 4


def test_selection_view_adds_and_redirects(admin_client, organizations):
    survey = make_survey()
    robot = Field.objects.get(code="ROB")
    url = reverse("surveys:manage_recipients", kwargs={"pk": survey.pk})
    response = admin_client.post(url, {"types": ["company"], "fields": [robot.pk]})
    assert response.status_code == 302 and response["Location"] == url
    assert _emails(survey) == {"ceo@hanbit.example", "rnd@hanbit.example"}
    page = admin_client.get(url).content.decode()
    assert 'data-recipient="ceo@hanbit.example"' in page and "한빛로보틱스 주식회사" in page


def test_selection_view_without_a_type_is_refused(admin_client, organizations):
    survey = make_survey()
    response = admin_client.post(reverse("surveys:manage_recipients", kwargs={"pk": survey.pk}), {"types": []})
    assert response.status_code == 400
    assert "types" in response.context["selection_form"].errors
    assert not survey.recipients.exists()


def test_selection_of_ministries_leaves_out_the_issuing_ministry(admin, organizations):
    motie = OrganizationFactory(name="산업통상자원부", type=OrganizationType.MINISTRY)
    defense = OrganizationFactory(name="국방부", type=OrganizationType.MINISTRY)
    msit = OrganizationFactory(name="과학기술정보통신부", type=OrganizationType.MINISTRY)
    issuing_admin = make_user("admin", organization=motie, email="admin@motie.example")
    make_user("secretary", organization=motie, email="secretary@motie.example")
    make_user("ministry_liaison", organization=motie, email="liaison@motie.example")
    make_user("ministry_liaison", organization=defense, email="liaison@mnd.example")
    make_user("observer", organization=msit, email="reader@msit.example")  # reads, does not file
    survey = make_survey()
    added = recipients_add_by_selection(survey, types=["ministry"], fields=[], actor=issuing_admin)
    assert _emails(survey) == {"liaison@mnd.example"}
    assert added == 1
    # the same with any other admin of the portal choosing
    other = make_survey()
    recipients_add_by_selection(other, types=["ministry", "company"], fields=[], actor=admin)
    assert not {e for e in _emails(other) if e.endswith("@motie.example")}
