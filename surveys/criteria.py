"""The eight statutory criteria (Act art. 11, Enforcement Decree art. 14): default data for a call."""

DEFAULT_CRITERIA = [
    ("산업 공급망 및 국가·경제 안보에 미치는 영향",
     "Impact on industrial supply chains and national economic security"),
    ("미래 성장잠재력 (시장 전망, 기업 동향)",
     "Future growth potential (market outlook, corporate trends)"),
    ("기술 난이도", "Technical difficulty"),
    ("타 산업과의 연계·융합을 통한 파급효과",
     "Ripple effect on other industries through linkage and convergence"),
    ("산업적 중요성", "Industrial importance"),
    ("수출·고용 등 국가 경제성장에 미치는 영향",
     "Effect on national economic growth such as exports and employment"),
    ("국내 기술수준 및 산업화 단계", "Domestic technology level and industrialisation stage"),
    ("교역 규모 및 국제 시장 동향", "Trade scale and international market trends"),
]

#: Fields of the demand surveys (seed 000, 003, 004), with sub-fields.
DEFAULT_FIELDS = [
    ("ROB", "로봇", "Robots", [("ROB-IND", "산업용 로봇", "Industrial robots"),
                              ("ROB-SVC", "서비스 로봇", "Service robots"),
                              ("ROB-CMP", "로봇 핵심부품", "Core robot components")]),
    ("BAT", "이차전지", "Secondary batteries", [("BAT-CELL", "셀·소재", "Cells and materials"),
                                             ("BAT-EQP", "공정 장비", "Process equipment")]),
    ("SEM", "반도체", "Semiconductors", [("SEM-MEM", "메모리", "Memory"),
                                        ("SEM-PKG", "첨단 패키징", "Advanced packaging")]),
    ("DSP", "디스플레이", "Displays", [("DSP-OLED", "OLED", "OLED"),
                                     ("DSP-XR", "XR 마이크로디스플레이", "XR micro-displays")]),
    ("BIO", "바이오", "Bio", [("BIO-NA", "핵산 치료제", "Nucleic-acid therapeutics")]),
    ("DEF", "방위산업", "Defense", [("DEF-UMS", "무인체계", "Unmanned systems")]),
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
