"""The eight statutory criteria (Act art. 11, Enforcement Decree art. 14): default data for a call."""

DEFAULT_CRITERIA = [
    (
        "산업 공급망 및 국가·경제 안보에 미치는 영향",
        "Impact on industrial supply chains and national economic security",
    ),
    ("미래 성장잠재력 (시장 전망, 기업 동향)", "Future growth potential (market outlook, corporate trends)"),
    ("기술 난이도", "Technical difficulty"),
    ("타 산업과의 연계·융합을 통한 파급효과", "Ripple effect on other industries through linkage and convergence"),
    ("산업적 중요성", "Industrial importance"),
    ("수출·고용 등 국가 경제성장에 미치는 영향", "Effect on national economic growth such as exports and employment"),
    ("국내 기술수준 및 산업화 단계", "Domestic technology level and industrialisation stage"),
    ("교역 규모 및 국제 시장 동향", "Trade scale and international market trends"),
]

#: Default criteria of a specialised-complex call (seed 003): how a development plan is judged.
COMPLEX_CRITERIA = [
    ("입지 적정성 및 부지 확보 가능성", "Suitability of the site and certainty of securing the land"),
    ("앵커기업 투자계획의 구체성·실현 가능성", "Concreteness and feasibility of the anchor companies' investment"),
    ("가치사슬 완결성 및 기존 특화단지와의 연계", "Completeness of the value chain and links to existing complexes"),
    ("기반시설(전력·용수·교통) 확보 계획", "Infrastructure plan: power, water and transport"),
    ("지역 지원 계획(세제·부지·인력양성·R&D 기관)", "Regional support: tax, land, training and R&D institutions"),
    ("산업 생태계 및 고용 파급효과", "Effect on the industrial ecosystem and employment"),
]

#: Default criteria of an international collaborative R&D call (seed 004).
INTERNATIONAL_CRITERIA = [
    ("가치사슬 내 기술의 필수성", "How vital the technology is to the value chain"),
    ("세계 최고 수준 대비 기술 격차", "The gap to the world's best"),
    ("해외 협력기관의 역량", "The partner institution's capability"),
    ("사업화 가능성", "Feasibility of commercialisation"),
    ("지식재산권 확보·활용 계획", "The IP arrangement"),
]

#: Default categories of an international R&D call (seed 004): name, English name, horizon in years, quota.
INTERNATIONAL_CATEGORIES = [
    ("초격차 기술", "Leapfrogging technologies", 5, 48),
    ("산업기반 기술", "Foundational industry technologies", 10, 50),
]

#: Fields of the demand surveys (seed 000, 003, 004), with sub-fields.
DEFAULT_FIELDS = [
    (
        "ROB",
        "로봇",
        "Robots",
        [
            ("ROB-IND", "산업용 로봇", "Industrial robots"),
            ("ROB-SVC", "서비스 로봇", "Service robots"),
            ("ROB-CMP", "로봇 핵심부품", "Core robot components"),
            ("ROB-HUM", "휴머노이드", "Humanoids"),
        ],
    ),
    (
        "BAT",
        "이차전지",
        "Secondary batteries",
        [
            ("BAT-CELL", "셀·소재", "Cells and materials"),
            ("BAT-EQP", "공정 장비", "Process equipment"),
            ("BAT-RAW", "기초 원료·재활용", "Basic raw materials and recycling"),
        ],
    ),
    (
        "SEM",
        "반도체",
        "Semiconductors",
        [("SEM-MEM", "메모리", "Memory"), ("SEM-PKG", "첨단 패키징", "Advanced packaging")],
    ),
    (
        "DSP",
        "디스플레이",
        "Displays",
        [("DSP-OLED", "OLED", "OLED"), ("DSP-XR", "XR 마이크로디스플레이", "XR micro-displays")],
    ),
    ("BIO", "바이오", "Bio", [("BIO-NA", "핵산 치료제", "Nucleic-acid therapeutics")]),
    (
        "DEF",
        "방위산업",
        "Defense",
        [("DEF-UMS", "무인체계", "Unmanned systems"), ("DEF-AEN", "첨단 항공엔진", "Advanced aircraft engines")],
    ),
]


def ensure_default_fields(Field) -> None:
    """Create the default fields and sub-fields that are missing (``Field`` may be historical)."""
    for order, (code, name, name_en, children) in enumerate(DEFAULT_FIELDS):
        parent, _ = Field.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})
        for child_order, (child_code, child_name, child_name_en) in enumerate(children):
            Field.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "name_en": child_name_en, "parent": parent, "order": child_order},
            )


#: Metropolitan cities and provinces (광역시·도), for the site of a specialised complex.
PROVINCES = [
    ("11", "서울특별시", "Seoul"),
    ("26", "부산광역시", "Busan"),
    ("27", "대구광역시", "Daegu"),
    ("28", "인천광역시", "Incheon"),
    ("29", "광주광역시", "Gwangju"),
    ("30", "대전광역시", "Daejeon"),
    ("31", "울산광역시", "Ulsan"),
    ("36", "세종특별자치시", "Sejong"),
    ("41", "경기도", "Gyeonggi"),
    ("51", "강원특별자치도", "Gangwon"),
    ("43", "충청북도", "North Chungcheong"),
    ("44", "충청남도", "South Chungcheong"),
    ("52", "전북특별자치도", "Jeonbuk"),
    ("46", "전라남도", "South Jeolla"),
    ("47", "경상북도", "North Gyeongsang"),
    ("48", "경상남도", "South Gyeongsang"),
    ("50", "제주특별자치도", "Jeju"),
]

#: Specialised complexes already designated, by field, that a new plan may link to (seed 003).
EXISTING_COMPLEXES = [
    ("BAT-CJ", "BAT", "청주 이차전지 특화단지", "Cheongju secondary battery complex"),
    ("BAT-US", "BAT", "울산 이차전지 특화단지", "Ulsan secondary battery complex"),
    ("BAT-PH", "BAT", "포항 이차전지 특화단지", "Pohang secondary battery complex"),
    ("BAT-SM", "BAT", "새만금 이차전지 특화단지", "Saemangeum secondary battery complex"),
    ("SEM-YI", "SEM", "용인 반도체 특화단지", "Yongin semiconductor complex"),
    ("SEM-PT", "SEM", "평택 반도체 특화단지", "Pyeongtaek semiconductor complex"),
    ("SEM-GM", "SEM", "구미 반도체 특화단지", "Gumi semiconductor complex"),
    ("DSP-CA", "DSP", "천안·아산 디스플레이 특화단지", "Cheonan–Asan display complex"),
]
