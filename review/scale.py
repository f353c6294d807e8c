"""A large, realistic data set written with bulk inserts, for benchmarks and query-count tests.

Four calls share the applications: one whose notice is published (results, register), one in
its hearing (confirmed list, comments), one in technical review (reviews under way) and one
still collecting (drafts ready to submit, amendments). Organisations file through the three
channels, every submitted application has its immutable versions, accepted ones are
candidates reviewed by five reviewers of their field's panel.

On PostgreSQL rows go in with COPY (100,000 applications take a few minutes on two cores);
elsewhere with bulk_create.
"""

import io
import json
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from portal.enums import OrganizationType, Role
from portal.models import AssociationMembership, Membership, Organization, User
from review.enums import (
    AssignmentStatus,
    Decision,
    EntryStatus,
    HearingChange,
    NoticeAction,
    NoticeStatus,
    Outcome,
    Recommendation,
    Stance,
    SubcommitteeRecommendation,
)
from review.models import (
    Assignment,
    CommitteeConfirmation,
    ConfirmedCandidate,
    HearingComment,
    NationalMeeting,
    Notice,
    NoticeItem,
    Panel,
    PanelMember,
    Pledge,
    RegisterEntry,
    RegisterEvent,
    Resolution,
    Result,
    Review,
    ReviewerProfile,
    ReviewPlan,
    SubcommitteeDecision,
    SubcommitteeMeeting,
)
from review.services import scores as stored_scores
from surveys.criteria import DEFAULT_FIELDS
from surveys.enums import ApplicationStatus as S
from surveys.enums import Channel, ProvenanceKind, SurveyKind, SurveyStage
from surveys.models import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    Candidate,
    Criterion,
    Field,
    ForwardBatch,
    ReceiptCounter,
    Survey,
)
from surveys.pipelines import pipeline_of

PASSWORD = "scale-portal-2026"  # nosec B105
EMAIL_DOMAIN = "scale.example"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # nosec B105
REVIEWS_PER_CANDIDATE = 5
CHUNK = 50_000


@dataclass(frozen=True)
class CallSpec:
    code: str
    stage: str
    share: float
    title: str
    year: int


CALLS = [
    CallSpec("SC1", SurveyStage.NOTICE, 0.15, "2025년 국가첨단전략기술 지정 수요조사 (규모 시험)", 2025),
    CallSpec("SC2", SurveyStage.HEARING, 0.25, "2026년 상반기 국가첨단전략기술 지정 수요조사 (규모 시험)", 2026),
    CallSpec("SC3", SurveyStage.TECHNICAL_REVIEW, 0.40, "2026년 국가첨단전략기술 추가 지정 수요조사 (규모 시험)", 2026),
    CallSpec("SC4", SurveyStage.COLLECTION, 0.20, "2026년 하반기 국가첨단전략기술 지정 수요조사 (규모 시험)", 2026),
]
CODES = [spec.code for spec in CALLS]
FIELD_CODES = [code for code, *_rest in DEFAULT_FIELDS]
SUB_FIELDS = {code: [child for child, *_names in children] for code, _n, _e, children in DEFAULT_FIELDS}
FIELD_NAMES = {code: name for code, name, *_rest in DEFAULT_FIELDS}

#: Final statuses of applications to a call whose collection is over, with weights.
CLOSED_STATUSES = [(S.ACCEPTED, 84), (S.DRAFT, 6), (S.WITHDRAWN, 4), (S.RETURNED, 3), (S.DUPLICATE, 3)]
#: Statuses while the call still collects, by channel.
OPEN_STATUSES = {
    Channel.DIRECT: [(S.DRAFT, 50), (S.SUBMITTED, 50)],
    Channel.MINISTRY: [(S.DRAFT, 40), (S.SUBMITTED, 60)],
    Channel.ASSOCIATION: [(S.DRAFT, 20), (S.ASSOCIATION_REVIEW, 45), (S.ENDORSED, 25), (S.RETURNED_BY_ASSOCIATION, 10)],
}
FINAL_EVENT = {
    S.ACCEPTED: ProvenanceKind.ACCEPTED,
    S.RETURNED: ProvenanceKind.RETURNED,
    S.DUPLICATE: ProvenanceKind.DUPLICATE,
    S.WITHDRAWN: ProvenanceKind.WITHDRAWN,
    S.ENDORSED: ProvenanceKind.ENDORSED,
    S.RETURNED_BY_ASSOCIATION: ProvenanceKind.RETURNED_BY_ASSOCIATION,
}
ASSOCIATION_STEPS = {S.ENDORSED, S.RETURNED_BY_ASSOCIATION}
#: The first applications of every call: (channel, status while collecting, status after collection).
FIRST_ROWS = [
    (Channel.DIRECT, S.DRAFT, S.ACCEPTED),
    (Channel.ASSOCIATION, S.ASSOCIATION_REVIEW, S.ACCEPTED),
    (Channel.MINISTRY, S.SUBMITTED, S.ACCEPTED),
]


APPLICATION_COLUMNS = [
    "id",
    "survey_id",
    "organization_id",
    "status",
    "channel",
    "association_id",
    "candidate_id",
    "duplicate_of_id",
    "field_code",
    "title",
    "answers",
    "revision",
    "receipt_number",
    "version_count",
    "created_by_id",
    "updated_by_id",
    "submitted_at",
    "correction_due",
    "return_reason",
]
#: Where an assignment stands in a call still in technical review, with weights.
IN_REVIEW_STATUSES = [
    (AssignmentStatus.SUBMITTED, 70),
    (AssignmentStatus.ACCEPTED, 15),
    (AssignmentStatus.ASSIGNED, 15),
]
RETURN_REASON = "기술 사양의 성능 수치를 보완하여 주십시오."
#: The outcome an application's candidate has after each resolution of the national committee.
OUTCOME_OF = {
    Decision.DESIGNATE: Outcome.DESIGNATED,
    Decision.REJECT: Outcome.REJECTED,
    Decision.DEFER: Outcome.DEFERRED,
}


class AlreadySeeded(Exception):
    pass


@dataclass
class Seeded:
    """What was made: rows per table, seconds per step, the calls and the staff accounts."""

    counts: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)
    calls: dict = field(default_factory=dict)
    admin: User | None = None
    secretary: User | None = None


def answers_for(title: str, field_code: str, sub_field: str, number: int, *, criteria: list[int]) -> dict:
    """Answers that pass the completeness check of a technology call without extra questions (one justification
    for each of the call's ``criteria`` numbers)."""
    return {
        "basic": {
            "technology_name": title,
            "field": field_code,
            "sub_field": sub_field,
            "summary": f"{FIELD_NAMES[field_code]} 분야 핵심 공정의 국산화를 위한 기술 (시험 데이터 {number})",
        },
        "specification": {
            "specification": f"정밀도 ±0.0{number % 9 + 1} mm, 처리량 {100 + number % 400} 개/시간, 수율 98% 이상",
            "mass_production": "자동화 양산 라인 구축 및 공정 표준화",
            "products": "핵심 부품, 장비, 완제품",
        },
        "criteria": {f"criterion_{n}": f"기준 {n}에 대한 근거: 공급망 안정화와 수출 확대에 기여" for n in criteria},
        "level": {
            "domestic_level": str(60 + number % 40),
            "world_leader": "미국 A사",
            "industrialisation_stage": ["research", "development", "pilot", "mass", "export"][number % 5],
            "holders": "국내 기업 및 연구기관",
        },
        "economy": {
            "exports_y1": str(100 + number % 300),
            "imports_y1": str(200 + number % 250),
            "exports_y2": str(120 + number % 300),
            "imports_y2": str(190 + number % 250),
            "employment_effect": f"신규 고용 {10 + number % 200}명",
            "supply_chain_dependency": f"해외 의존도 {20 + number % 70}%",
        },
        "contact": {
            "contact_name": "홍길동",
            "contact_department": "기술전략팀 책임",
            "contact_phone": "02-000-0000",
            "contact_email": f"contact{number}@{EMAIL_DOMAIN}",
        },
    }


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights)[0]


def _subcommittee_recommendation(quality: int) -> str:
    if quality >= 3:
        return SubcommitteeRecommendation.RECOMMEND
    if quality == 1:
        return SubcommitteeRecommendation.NOT_RECOMMEND
    return SubcommitteeRecommendation.HOLD


# -- writing rows --------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _encoder(model_field):
    """How one column's Python value is written in COPY's text format."""
    if isinstance(model_field, models.JSONField):
        return lambda v: _escape(json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False))
    if isinstance(model_field, models.BooleanField):
        return lambda v: "t" if v else "f"
    if isinstance(model_field, (models.DateTimeField, models.DateField)):
        return lambda v: v.isoformat()
    return lambda v: _escape(str(v))


class Table:
    """Rows of one model given as tuples of ``columns``; every other column takes its default (or NULL).

    ``insert`` returns the new primary keys in the order of the rows.
    """

    def __init__(self, model, columns: list[str]):
        self.model, self.columns = model, list(columns)
        meta = model._meta
        self.defaults = {}
        now = timezone.now()
        for model_field in meta.concrete_fields:
            if model_field.primary_key or model_field.attname in self.columns:
                continue
            auto = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
            self.defaults[model_field.attname] = now if auto else model_field.get_default()

    def insert(self, rows) -> list[int]:
        ids, chunk = [], []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                ids.extend(self._write(chunk))
                chunk = []
        if chunk:
            ids.extend(self._write(chunk))
        return ids

    def _write(self, rows: list[tuple]) -> list[int]:
        pk = self.model._meta.pk.attname
        if connection.vendor != "postgresql":
            objects = [self.model(**self.defaults, **dict(zip(self.columns, row))) for row in rows]
            return [obj.pk for obj in self.model.objects.bulk_create(objects, batch_size=500)]
        with connection.cursor() as cursor:
            if pk in self.columns:
                ids, columns = [row[self.columns.index(pk)] for row in rows], self.columns
            else:
                ids, columns = allocate(cursor, self.model, len(rows)), [pk, *self.columns]
                rows = [(key, *row) for key, row in zip(ids, rows)]
            self._copy(cursor, columns, rows)
        return ids

    def _copy(self, cursor, columns: list[str], rows: list[tuple]) -> None:
        meta = self.model._meta
        encoders = [_encoder(meta.get_field(name)) for name in columns]
        fixed = ["\\N" if v is None else _encoder(meta.get_field(k))(v) for k, v in self.defaults.items()]
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(["\\N" if v is None else encode(v) for encode, v in zip(encoders, row)] + fixed))
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in [*columns, *self.defaults])
        cursor.copy_expert(f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN", buffer)


def allocate(cursor, model, count: int) -> list[int]:
    """Primary keys for rows written with explicit ids (PostgreSQL's sequence, else past the largest)."""
    meta = model._meta
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]
    last = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
    return list(range(last + 1, last + 1 + count))


@dataclass(slots=True)
class Row:
    """One generated application, before and after it is written."""

    pk: int
    organization: int
    user: int
    channel: str
    association: int | None
    status: str
    field_code: str
    title: str
    answers: dict
    versions: int
    receipt: str | None
    submitted_at: datetime | None
    candidate: int | None = None


class Builder:
    """Writes the data set for ``n`` applications; each step is a method, timed."""

    def __init__(self, n: int, *, reviewers: int = 2000, seed: int = 2026, stdout=None):
        if n < len(CALLS):
            raise ValueError(f"At least {len(CALLS)} applications are needed, one per call.")
        if reviewers < REVIEWS_PER_CANDIDATE * len(FIELD_CODES):
            raise ValueError(
                f"At least {REVIEWS_PER_CANDIDATE * len(FIELD_CODES)} reviewers are needed (five per field)."
            )
        self.n, self.reviewer_count, self.rng, self.stdout = n, reviewers, random.Random(seed), stdout
        self.now = timezone.now()
        self.result = Seeded()
        self.password = make_password(PASSWORD)
        self.rows: dict[str, list[Row]] = {}
        self.candidates: dict[str, list[tuple[int, str, str]]] = {}
        self.quality: dict[int, int] = {}
        self.confirmed: dict[str, list[int]] = {}

    # -- driver ------------------------------------------------------------------------------

    def build(self) -> Seeded:
        if Survey.objects.filter(code__in=CODES).exists():
            raise AlreadySeeded(
                f"The scale data set is already in this database (calls {', '.join(CODES)}). "
                "Seed a fresh database instead; submitted versions cannot be deleted."
            )
        with transaction.atomic():
            self._step("organisations and accounts", self.people)
            self._step("reviewers", self.reviewers)
            self._step("calls", self.calls)
            for spec in CALLS:
                self._step(f"applications of {spec.code}", lambda spec=spec: self.applications(spec))
            self._step("panels, assignments and reviews", self.reviews)
            self._step("stored aggregates", self.scores)
            self._step("committees and hearing", self.committees)
            self._step("national committee, notice, register, results", self.notice)
        if connection.vendor == "postgresql":
            self._step("vacuum and analyze", self._analyze)
        self.result.admin = User.objects.get(pk=self.admin)
        self.result.secretary = User.objects.get(pk=self.secretary)
        return self.result

    def _analyze(self) -> None:
        """Statistics and the visibility map, as autovacuum would leave them; only ANALYZE inside a transaction."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

    def _step(self, name: str, function) -> None:
        started = time.perf_counter()
        function()
        seconds = time.perf_counter() - started
        self.result.timings.append((name, seconds))
        if self.stdout:
            self.stdout.write(f"  {name}: {seconds:.1f} s")

    def _insert(self, label: str | None, model, columns: list[str], rows) -> list[int]:
        ids = Table(model, columns).insert(rows)
        if label:
            self.result.counts[label] = self.result.counts.get(label, 0) + len(ids)
        return ids

    # -- people ------------------------------------------------------------------------------

    def _organizations(self, rows: list[tuple[str, str, str]]) -> list[int]:
        return self._insert("organisations", Organization, ["name", "type", "code"], rows)

    def _users(self, prefix: str, names: list[str]) -> list[int]:
        from allauth.account.models import EmailAddress

        emails = [f"{prefix}-{i:06d}@{EMAIL_DOMAIN}" for i in range(len(names))]
        ids = self._insert(
            "users",
            User,
            ["email", "name", "password"],
            ((email, name, self.password) for email, name in zip(emails, names)),
        )
        # Bulk rows skip the post_save signal: each login address is verified here (e-mail verification is on).
        self._insert(
            None,
            EmailAddress,
            ["user_id", "email", "primary", "verified"],
            ((pk, email, True, True) for pk, email in zip(ids, emails)),
        )
        return ids

    def _memberships(self, rows) -> None:
        self._insert("memberships", Membership, ["user_id", "organization_id", "role", "is_manager"], rows)

    def _two_factor(self, users: list[int]) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import encrypt

        data = {"secret": encrypt(TOTP_SECRET)}
        self._insert(
            None, Authenticator, ["user_id", "type", "data"], ((u, Authenticator.Type.TOTP, data) for u in users)
        )

    def people(self) -> None:
        rng = self.rng
        self.motie = self._organizations([("산업통상자원부 (규모 시험)", OrganizationType.MINISTRY, "motie-s")])[0]
        ministries = self._organizations(
            [
                (f"{name} (규모 시험)", OrganizationType.MINISTRY, f"min-s{i}")
                for i, name in enumerate(
                    ["과학기술정보통신부", "국방부", "보건복지부", "환경부", "국토교통부", "중소벤처기업부"]
                )
            ]
        )
        associations = self._organizations(
            [
                (
                    f"한국{FIELD_NAMES[FIELD_CODES[i % 6]]}산업협회 {i // 6 + 1} (규모 시험)",
                    OrganizationType.ASSOCIATION,
                    f"as-s{i}",
                )
                for i in range(18)
            ]
        )
        kinds = [
            (OrganizationType.COMPANY, 80),
            (OrganizationType.RESEARCH_INSTITUTE, 15),
            (OrganizationType.LOCAL_GOVERNMENT, 5),
        ]
        filer_types = [_pick(rng, kinds) for _ in range(max(len(CALLS), self.n // 5))]
        filers = self._organizations([(f"시험기업{i:06d} 주식회사", t, "") for i, t in enumerate(filer_types)])
        self.association_of = {}
        for organization, kind in zip(filers, filer_types):
            if kind == OrganizationType.COMPANY and rng.random() < 0.6:
                self.association_of[organization] = associations[rng.randrange(len(associations))]
        self._insert(
            "association memberships",
            AssociationMembership,
            ["member_id", "association_id"],
            self.association_of.items(),
        )

        staff = self._users("assoc", [f"협회담당{i}" for i in range(len(associations))])
        liaisons = self._users("min", [f"부처담당{i}" for i in range(len(ministries))])
        applicants = self._users("app", [f"신청담당{i}" for i in range(len(filers))])
        admins = self._users("admin", ["관리자가", "관리자나"])
        secretaries = self._users("sec", ["간사가", "간사나"])
        observer = self._users("obs", ["관찰자"])[0]
        self._memberships(
            [(u, o, Role.ASSOCIATION_STAFF, True) for u, o in zip(staff, associations)]
            + [(u, o, Role.MINISTRY_LIAISON, True) for u, o in zip(liaisons, ministries)]
            + [(u, o, Role.APPLICANT, True) for u, o in zip(applicants, filers)]
            + [(u, self.motie, Role.ADMIN, False) for u in admins]
            + [(u, self.motie, Role.SECRETARY, False) for u in secretaries]
            + [(observer, ministries[0], Role.OBSERVER, False)]
        )
        self._two_factor(admins + secretaries)
        self.admin, self.secretary = admins[0], secretaries[0]
        self.ministries = set(ministries)
        self.filers = list(zip(filers, applicants)) + list(zip(ministries, liaisons))
        self.staff_of = dict(zip(associations, staff))
        self.commenters = applicants[:500]

    def reviewers(self) -> None:
        people = self._users("rev", [f"평가위원{i:04d}" for i in range(self.reviewer_count)])
        self._memberships((u, None, Role.REVIEWER, False) for u in people)
        self._insert(
            "reviewer profiles",
            ReviewerProfile,
            ["user_id", "organization_name", "expertise"],
            ((u, f"시험대학교 {i % 40}", FIELD_NAMES[FIELD_CODES[i % 6]]) for i, u in enumerate(people)),
        )
        self._two_factor(people)
        self.panel_people = {code: people[i :: len(FIELD_CODES)] for i, code in enumerate(FIELD_CODES)}

    # -- calls -------------------------------------------------------------------------------

    def _at(self, days: int, hour: int = 18) -> datetime:
        day = timezone.localdate(self.now) + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, clock(hour, 0)))

    def calls(self) -> None:
        offsets = {
            SurveyStage.NOTICE: -300,
            SurveyStage.HEARING: -60,
            SurveyStage.TECHNICAL_REVIEW: -20,
            SurveyStage.COLLECTION: 30,
        }
        fields = list(Field.objects.filter(code__in=FIELD_CODES))
        self.surveys, self.criteria = {}, {}
        for spec in CALLS:
            deadline = self._at(offsets[spec.stage])
            hearing_from = (
                self._at(-5).date() if spec.stage == SurveyStage.HEARING else (deadline + timedelta(days=50)).date()
            )
            survey = Survey.objects.create(
                kind=SurveyKind.TECHNOLOGY,
                title=spec.title,
                description="대규모 데이터 성능 시험용 공고입니다.",
                code=spec.code,
                eligible_types=[t.value for t in OrganizationType],
                stage=spec.stage,
                opens_at=deadline - timedelta(days=45),
                deadline=deadline,
                review_starts_on=(deadline + timedelta(days=7)).date(),
                hearing_starts_on=hearing_from,
                hearing_ends_on=hearing_from + timedelta(days=14),
                committee_on=hearing_from + timedelta(days=30),
                notice_on=hearing_from + timedelta(days=45),
                created_by_id=self.admin,
                published_at=deadline - timedelta(days=50),
            )
            survey.fields.set(fields)
            Criterion.objects.bulk_create(
                Criterion(survey=survey, number=number, title=title, title_en=title_en)
                for number, (title, title_en) in enumerate(pipeline_of(survey).default_criteria, start=1)
            )
            self.criteria[spec.code] = list(survey.criteria.order_by("number").values_list("number", flat=True))
            ReviewPlan.objects.create(survey=survey, due_on=survey.review_starts_on + timedelta(days=21))
            self.surveys[spec.code] = survey
            self.result.calls[spec.code] = survey.pk
        self.result.counts["calls"] = len(self.surveys)

    # -- applications ------------------------------------------------------------------------

    def _channel(self, organization: int) -> tuple[str, int | None]:
        if organization in self.ministries:
            return Channel.MINISTRY, None
        association = self.association_of.get(organization)
        if association is not None and self.rng.random() < 0.5:
            return Channel.ASSOCIATION, association
        return Channel.DIRECT, None

    def _filer_for(self, channel: str) -> tuple[int, int, str, int | None]:
        if channel == Channel.MINISTRY:
            organization, user = next((o, u) for o, u in self.filers if o in self.ministries)
            return organization, user, channel, None
        if channel == Channel.ASSOCIATION and self.association_of:
            organization, user = next((o, u) for o, u in self.filers if o in self.association_of)
            return organization, user, channel, self.association_of[organization]
        organization, user = self.filers[0]
        return organization, user, Channel.DIRECT, None

    def _count_for(self, spec: CallSpec) -> int:
        if spec is CALLS[-1]:
            return self.n - sum(self._count_for(s) for s in CALLS[:-1])
        return max(1, round(self.n * spec.share))

    def _generate(self, spec: CallSpec) -> list[Row]:
        survey, rng, rows, receipts = self.surveys[spec.code], self.rng, [], 0
        is_open = spec.stage == SurveyStage.COLLECTION
        for i in range(self._count_for(spec)):
            if i < len(FIRST_ROWS):  # even a tiny data set has every channel in every call
                organization, user, channel, association = self._filer_for(FIRST_ROWS[i][0])
                status = FIRST_ROWS[i][1 if is_open else 2]
            else:
                organization, user = self.filers[rng.randrange(len(self.filers))]
                channel, association = self._channel(organization)
                status = _pick(rng, OPEN_STATUSES[channel] if is_open else CLOSED_STATUSES)
            field_code = FIELD_CODES[i % len(FIELD_CODES)]
            title = f"{FIELD_NAMES[field_code]} 핵심기술 {spec.code}-{i + 1:06d}"
            versions = 0 if status == S.DRAFT else 1 + (i % 7 == 0) + (i % 19 == 0)
            receipt, submitted_at = None, None
            if versions:
                receipts += 1
                receipt = f"{spec.year}-{spec.code}-{receipts:05d}"
                submitted_at = (self.now if is_open else survey.deadline) - timedelta(
                    minutes=rng.randrange(60, 60 * 24 * (14 if is_open else 40))
                )
            rows.append(
                Row(
                    pk=0,
                    organization=organization,
                    user=user,
                    channel=channel,
                    association=association,
                    status=status,
                    field_code=field_code,
                    title=title,
                    versions=versions,
                    receipt=receipt,
                    submitted_at=submitted_at,
                    answers=answers_for(
                        title, field_code, rng.choice(SUB_FIELDS[field_code]), i, criteria=self.criteria[spec.code]
                    ),
                )
            )
        if receipts:
            ReceiptCounter.objects.create(survey=survey, year=spec.year, last=receipts)
        return rows

    def applications(self, spec: CallSpec) -> None:
        survey = self.surveys[spec.code]
        rows = self._generate(spec)
        accepted = [row for row in rows if row.status == S.ACCEPTED]
        self._candidates(spec, accepted)
        with connection.cursor() as cursor:
            pks = allocate(cursor, Application, len(rows))
        for row, pk in zip(rows, pks):
            row.pk = pk
        self._insert("applications", Application, APPLICATION_COLUMNS, self._application_rows(survey, rows, accepted))
        self._versions(rows)
        self._events(rows)
        if spec.stage != SurveyStage.COLLECTION:
            self._forwarded(survey, rows)
        self.rows[spec.code] = rows

    def _candidates(self, spec: CallSpec, accepted: list[Row]) -> None:
        """The accepted applications of the call become its candidates, numbered in order."""
        candidate_ids = self._insert(
            "candidates",
            Candidate,
            ["survey_id", "number", "title", "field_code"],
            (
                (self.surveys[spec.code].pk, f"{spec.code}-T{k:05d}", row.title, row.field_code)
                for k, row in enumerate(accepted, start=1)
            ),
        )
        for row, candidate in zip(accepted, candidate_ids):
            row.candidate = candidate
        self.candidates[spec.code] = [(row.candidate, row.field_code, row.title) for row in accepted]

    def _application_rows(self, survey: Survey, rows: list[Row], accepted: list[Row]):
        """The values of ``APPLICATION_COLUMNS`` for each row; a duplicate points at one of the ``accepted``."""
        accepted_pks = [row.pk for row in accepted]
        due = (self.now + timedelta(days=7)).date()
        for row in rows:
            yield (
                row.pk,
                survey.pk,
                row.organization,
                row.status,
                row.channel,
                row.association,
                row.candidate,
                self.rng.choice(accepted_pks) if row.status == S.DUPLICATE and accepted_pks else None,
                row.field_code,
                row.title,
                row.answers,
                6 + row.versions,
                row.receipt,
                row.versions,
                row.user,
                row.user,
                row.submitted_at,
                due if row.status == S.RETURNED else None,
                RETURN_REASON if row.status in (S.RETURNED, S.RETURNED_BY_ASSOCIATION) else "",
            )

    def _versions(self, rows: list[Row]) -> None:
        def versions():
            for row in rows:
                for number in range(1, row.versions + 1):
                    answers, title = row.answers, row.title
                    if number < row.versions:
                        title = f"{row.title} (제{number}판)"
                        answers = {**answers, "basic": {**answers["basic"], "technology_name": title}}
                    yield (
                        row.pk,
                        number,
                        answers,
                        [],
                        title,
                        row.receipt,
                        row.user,
                        row.submitted_at - timedelta(hours=row.versions - number),
                    )

        self._insert(
            "versions",
            ApplicationVersion,
            [
                "application_id",
                "number",
                "answers",
                "attachments",
                "title",
                "receipt_number",
                "submitted_by_id",
                "submitted_at",
            ],
            versions(),
        )

    def _events(self, rows: list[Row]) -> None:
        def events():
            for row in rows:
                yield row.pk, ProvenanceKind.DRAFTED, row.user, row.organization, None
                for number in range(1, row.versions + 1):
                    yield row.pk, ProvenanceKind.SUBMITTED, row.user, row.organization, number
                if row.status in ASSOCIATION_STEPS:
                    yield row.pk, FINAL_EVENT[row.status], self.staff_of[row.association], row.association, None
                elif row.status in FINAL_EVENT:
                    yield row.pk, FINAL_EVENT[row.status], self.admin, self.motie, None

        self._insert(
            "provenance steps",
            ApplicationEvent,
            ["application_id", "kind", "actor_id", "organization_id", "version_number"],
            events(),
        )

    def _forwarded(self, survey: Survey, rows: list[Row]) -> None:
        """Association applications of a call whose collection is over went to MOTIE in one batch per association."""
        by_association: dict[int, list[int]] = {}
        for row in rows:
            if row.channel == Channel.ASSOCIATION and row.status != S.DRAFT:
                by_association.setdefault(row.association, []).append(row.pk)
        links = []
        for association, members in by_association.items():
            batch = ForwardBatch.objects.create(
                survey=survey,
                association_id=association,
                cover_letter="회원사 신청서를 일괄 제출합니다.",
                forwarded_by_id=self.staff_of[association],
            )
            links.extend((batch.pk, pk) for pk in members)
        self._insert("forwarded", ForwardBatch.applications.through, ["forwardbatch_id", "application_id"], links)

    # -- review ------------------------------------------------------------------------------

    def reviews(self) -> None:
        self._panels()
        assignments, pledged, call_of = self._assignments()
        ids = self._insert(
            "assignments",
            Assignment,
            ["candidate_id", "reviewer_id", "status", "pseudonym", "declared_at", "due_on", "assigned_by_id"],
            assignments,
        )
        self._insert(
            "pledges",
            Pledge,
            ["survey_id", "reviewer_id", "text", "signed_name"],
            ((survey, person, "보안서약서", "평가위원") for survey, person in sorted(pledged)),
        )
        justifications = {
            code: {str(n): "평가 기준에 따른 근거를 검토함" for n in numbers} for code, numbers in self.criteria.items()
        }
        submitted_at = self.now - timedelta(days=5)
        self._insert(
            "reviews",
            Review,
            ["assignment_id", "scores", "justifications", "recommendation", "comment", "submitted_at"],
            (
                (pk, *self._review(a[0], justifications[call_of[a[0]]], submitted_at))
                for pk, a in zip(ids, assignments)
                if a[2] == AssignmentStatus.SUBMITTED
            ),
        )

    def _panels(self) -> None:
        """A panel per call and field, of the field's reviewers."""
        panels = [
            Panel(survey=survey, field_code=code, name=f"{survey.code} · {FIELD_NAMES[code]}")
            for survey in self.surveys.values()
            for code in FIELD_CODES
        ]
        Panel.objects.bulk_create(panels)
        self._insert(
            "panel members",
            PanelMember,
            ["panel_id", "reviewer_id"],
            ((panel.pk, person) for panel in panels for person in self.panel_people[panel.field_code]),
        )

    def _assignments(self) -> tuple[list[tuple], set[tuple[int, int]], dict[int, str]]:
        """Five reviewers of its field's panel for each candidate of a call past collection, with each candidate's
        quality drawn: the assignment rows, the (call, reviewer) pairs that signed the pledge and each candidate's
        call code."""
        rng, assignments, pledged, call_of = self.rng, [], set(), {}
        for spec in CALLS:
            if spec.stage == SurveyStage.COLLECTION:
                continue
            survey = self.surveys[spec.code]
            in_review = spec.stage == SurveyStage.TECHNICAL_REVIEW
            due = survey.review_starts_on + timedelta(days=21)
            for candidate, field_code, _title in self.candidates[spec.code]:
                self.quality[candidate] = rng.randint(1, 5)
                call_of[candidate] = spec.code
                for letter, person in zip("ABCDE", rng.sample(self.panel_people[field_code], REVIEWS_PER_CANDIDATE)):
                    status = _pick(rng, IN_REVIEW_STATUSES) if in_review else AssignmentStatus.SUBMITTED
                    if status != AssignmentStatus.ASSIGNED:
                        pledged.add((survey.pk, person))
                    declared = None if status == AssignmentStatus.ASSIGNED else self.now - timedelta(days=10)
                    assignments.append((candidate, person, status, letter, declared, due, self.admin))
        return assignments, pledged, call_of

    def scores(self) -> None:
        """Each candidate's stored aggregate, as the portal keeps it when reviews are submitted."""
        for spec in CALLS:
            if spec.stage != SurveyStage.COLLECTION:
                stored_scores.refresh(self.surveys[spec.code])

    def _review(self, candidate: int, justifications: dict, submitted_at: datetime) -> tuple:
        """A review scoring each criterion the call has (the keys of ``justifications``)."""
        quality = self.quality[candidate]
        scores = {n: str(min(5, max(1, quality + self.rng.choice((-1, 0, 0, 1))))) for n in justifications}
        mean = sum(int(v) for v in scores.values()) / len(scores)
        recommendation = (
            Recommendation.RECOMMEND
            if mean >= 3.5
            else Recommendation.CONDITIONAL
            if mean >= 2.5
            else Recommendation.NOT_RECOMMEND
        )
        return scores, justifications, recommendation, "종합 의견", submitted_at

    # -- committees and the hearing ----------------------------------------------------------

    def committees(self) -> None:
        for spec in CALLS:
            if spec.stage == SurveyStage.COLLECTION:
                continue
            decisions = self._subcommittee_decisions(spec)
            if spec.stage != SurveyStage.TECHNICAL_REVIEW:
                chosen = [d[0] for d in decisions if d[2] == SubcommitteeRecommendation.RECOMMEND]
                self._confirmation(spec, chosen)
                self._hearing(chosen)

    def _subcommittee_decisions(self, spec: CallSpec) -> list[list]:
        """Each field's subcommittee meets and recommends by quality: on every candidate of a call past its review,
        on a third of them while the review runs. The decision rows, as written."""
        survey = self.surveys[spec.code]
        meetings = {
            code: SubcommitteeMeeting.objects.create(
                survey=survey,
                field_code=code,
                held_on=survey.review_starts_on + timedelta(days=25),
                attendees="분과위원 7명",
                minutes="후보 기술별 평가 결과를 검토함.",
                updated_by_id=self.secretary,
            )
            for code in FIELD_CODES
        }
        candidates = [(pk, code) for pk, code, _title in self.candidates[spec.code]]
        if spec.stage == SurveyStage.TECHNICAL_REVIEW:
            candidates = self.rng.sample(candidates, len(candidates) // 3)
        decisions = [
            [
                candidate,
                meetings[code].pk,
                _subcommittee_recommendation(self.quality[candidate]),
                "평가 점수와 토의 결과에 따름",
                Decimal(self.quality[candidate]),
                self.secretary,
            ]
            for candidate, code in candidates
        ]
        if (
            spec.stage != SurveyStage.TECHNICAL_REVIEW
            and decisions
            and not any(d[2] == SubcommitteeRecommendation.RECOMMEND for d in decisions)
        ):
            decisions[0][2] = SubcommitteeRecommendation.RECOMMEND  # even a small data set has a hearing
        self._insert(
            "subcommittee decisions",
            SubcommitteeDecision,
            ["candidate_id", "meeting_id", "recommendation", "rationale", "aggregate", "decided_by_id"],
            decisions,
        )
        return decisions

    def _confirmation(self, spec: CallSpec, chosen: list[int]) -> None:
        """The committee confirms the ``chosen`` candidates three days before the hearing."""
        survey = self.surveys[spec.code]
        confirmation = CommitteeConfirmation.objects.create(
            survey=survey,
            held_on=survey.hearing_starts_on - timedelta(days=3),
            minutes="후보 목록을 확정함.",
            confirmed_by_id=self.secretary,
        )
        self.confirmed[spec.code] = chosen
        self._insert(
            "confirmed candidates",
            ConfirmedCandidate,
            ["confirmation_id", "candidate_id"],
            ((confirmation.pk, c) for c in chosen),
        )

    def _hearing(self, candidates: list[int]) -> None:
        rng, comments = self.rng, []
        for candidate in candidates:
            for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                answered = rng.random() < 0.5
                comments.append(
                    (
                        candidate,
                        rng.choice(self.commenters),
                        rng.choice([Stance.FOR, Stance.FOR, Stance.AGAINST, Stance.NEUTRAL]),
                        "해당 기술의 지정 필요성에 대한 의견입니다. 공급망 영향이 큽니다.",
                        "검토 결과 원안을 유지합니다." if answered else "",
                        self.admin if answered else None,
                        self.now if answered else None,
                        HearingChange.NONE,
                    )
                )
        self._insert(
            "hearing comments",
            HearingComment,
            ["candidate_id", "author_id", "stance", "body", "answer", "answered_by_id", "answered_at", "change"],
            comments,
        )

    # -- the national committee, the notice and the register ---------------------------------

    def notice(self) -> None:
        spec = next(s for s in CALLS if s.stage == SurveyStage.NOTICE)
        survey = self.surveys[spec.code]
        published = timezone.make_aware(datetime.combine(survey.notice_on, clock(10, 0)))
        decisions = self._resolutions(
            survey, self.confirmed.get(spec.code, []), closed_at=published - timedelta(days=10)
        )
        notice = self._notice(spec, published)
        self._register(
            spec,
            notice,
            sorted(
                (code, pk, title)
                for pk, code, title in self.candidates[spec.code]
                if decisions.get(pk) == Decision.DESIGNATE
            ),
        )
        until = published + timedelta(days=survey.objection_days)
        self._insert(
            "results",
            Result,
            ["application_id", "notice_id", "published_at", "objection_until", "outcome"],
            (
                (
                    row.pk,
                    notice.pk,
                    published,
                    until,
                    OUTCOME_OF.get(decisions.get(row.candidate), Outcome.NOT_SELECTED),
                )
                for row in self.rows[spec.code]
                if row.candidate
            ),
        )

    def _resolutions(self, survey: Survey, confirmed: list[int], *, closed_at: datetime) -> dict[int, str]:
        """The national committee resolves on each ``confirmed`` candidate and its meeting closes at ``closed_at``:
        the decision on each candidate."""
        meeting = NationalMeeting.objects.create(
            survey=survey,
            title="제1차 국가첨단전략산업위원회",
            held_on=survey.committee_on,
            minutes="후보 기술을 심의·의결함.",
            created_by_id=self.secretary,
        )
        decisions = {
            c: _pick(self.rng, [(Decision.DESIGNATE, 60), (Decision.REJECT, 25), (Decision.DEFER, 15)])
            for c in confirmed
        }
        if decisions and Decision.DESIGNATE not in decisions.values():
            decisions[next(iter(decisions))] = Decision.DESIGNATE  # even a small data set has a register
        self._insert(
            "resolutions",
            Resolution,
            [
                "meeting_id",
                "candidate_id",
                "decision",
                "reason",
                "votes_for",
                "votes_against",
                "votes_abstain",
                "recorded_by_id",
            ],
            ((meeting.pk, c, d, "위원회 심의 결과", 20, 3, 1, self.secretary) for c, d in decisions.items()),
        )
        NationalMeeting.objects.filter(pk=meeting.pk).update(closed_at=closed_at, closed_by_id=self.secretary)
        return decisions

    def _notice(self, spec: CallSpec, published: datetime) -> Notice:
        """The call's designation notice, published at ``published``."""
        return Notice.objects.create(
            survey=self.surveys[spec.code],
            number=f"산업통상자원부 고시 제{spec.year}-S1호",
            title="국가첨단전략기술 지정 고시 (규모 시험)",
            preamble="국가첨단전략산업법 제11조에 따라 다음과 같이 고시합니다.",
            effective_on=published.date(),
            status=NoticeStatus.PUBLISHED,
            published_at=published,
            published_by_id=self.admin,
            created_by_id=self.admin,
        )

    def _register(self, spec: CallSpec, notice: Notice, designated: list[tuple[str, int, str]]) -> None:
        per_field: dict[str, int] = {}
        entries = []
        for code, candidate, title in designated:
            per_field[code] = per_field.get(code, 0) + 1
            entries.append(
                (
                    f"{spec.year}-{code}-{per_field[code]:02d}",
                    title,
                    code,
                    f"{title}의 설계·제조 기술",
                    "성능 수치가 고시 별표와 같은 기술",
                    EntryStatus.ACTIVE,
                    candidate,
                    notice.pk,
                )
            )
        ids = self._insert(
            "register entries",
            RegisterEntry,
            ["number", "title", "field_code", "scope", "specification", "status", "candidate_id", "notice_id"],
            entries,
        )
        self._insert(
            None,
            NoticeItem,
            [
                "notice_id",
                "order",
                "action",
                "candidate_id",
                "entry_id",
                "title",
                "field_code",
                "scope",
                "specification",
            ],
            (
                (notice.pk, i, NoticeAction.DESIGNATE, e[6], pk, e[1], e[2], e[3], e[4])
                for i, (pk, e) in enumerate(zip(ids, entries))
            ),
        )
        self._insert(
            None,
            RegisterEvent,
            ["entry_id", "notice_id", "action", "snapshot"],
            (
                (pk, notice.pk, NoticeAction.DESIGNATE, {"number": e[0], "title": e[1], "field_code": e[2]})
                for pk, e in zip(ids, entries)
            ),
        )


def build(n: int, *, reviewers: int = 2000, seed: int = 2026, stdout=None) -> Seeded:
    """Seed ``n`` applications and everything that hangs off them; refuses a database that has them."""
    return Builder(n, reviewers=reviewers, seed=seed, stdout=stdout).build()
