"""The demo data set from seed 000: the robot-industry designation demand survey's people."""

import base64
import hashlib

from portal.enums import OrganizationType as T
from portal.enums import Role as R

DEMO_PASSWORD = "demo-portal-2026"  # nosec B105

ORGANIZATIONS = [
    # code, name, English name, type, business number, associations
    ("MOTIE", "산업통상자원부", "Ministry of Trade, Industry and Energy", T.MINISTRY, "", []),
    ("MSIT", "과학기술정보통신부", "Ministry of Science and ICT", T.MINISTRY, "", []),
    ("MND", "국방부", "Ministry of National Defense", T.MINISTRY, "", []),
    ("KAR", "한국로봇산업협회", "Korea Association of Robot Industry", T.ASSOCIATION, "", []),
    ("HANBIT", "한빛로보틱스 주식회사", "Hanbit Robotics Co., Ltd.", T.COMPANY, "214-81-10001", ["KAR"]),
    ("SEJONG", "세종모션 주식회사", "Sejong Motion Co., Ltd.", T.COMPANY, "214-81-10002", ["KAR"]),
    ("NURI", "누리센서 주식회사", "Nuri Sensor Co., Ltd.", T.COMPANY, "214-81-10003", ["KAR"]),
    ("GARAM", "가람정밀 주식회사", "Garam Precision Co., Ltd.", T.COMPANY, "214-81-10004", []),
    ("FRI", "미래로봇연구원", "Future Robot Research Institute", T.RESEARCH_INSTITUTE, "", []),
    ("GN", "경상남도", "Gyeongsangnam-do", T.LOCAL_GOVERNMENT, "", []),
    ("CB", "충청북도", "Chungcheongbuk-do", T.LOCAL_GOVERNMENT, "", []),
]

USERS = [
    # e-mail, name, role, organisation code, manager
    ("admin@motie.example", "김지원 사무관", R.ADMIN, "MOTIE", False),
    ("secretary@motie.example", "박서연 주무관", R.SECRETARY, "MOTIE", False),
    ("reviewer1@experts.example", "이도현 교수", R.REVIEWER, None, False),
    ("reviewer2@experts.example", "최민준 박사", R.REVIEWER, None, False),
    ("reviewer3@experts.example", "정하은 교수", R.REVIEWER, None, False),
    ("liaison@mnd.example", "오세훈 서기관", R.MINISTRY_LIAISON, "MND", True),
    ("liaison@msit.example", "한유진 사무관", R.MINISTRY_LIAISON, "MSIT", True),
    ("observer@msit.example", "장도윤 서기관", R.OBSERVER, "MSIT", False),
    ("staff@kar.example", "윤태호 팀장", R.ASSOCIATION_STAFF, "KAR", True),
    ("applicant@hanbit.example", "강민서 책임", R.APPLICANT, "HANBIT", True),
    ("applicant@sejong.example", "조은비 선임", R.APPLICANT, "SEJONG", True),
    ("applicant@nuri.example", "임재현 수석", R.APPLICANT, "NURI", True),
    ("applicant@garam.example", "서지우 부장", R.APPLICANT, "GARAM", True),
    ("applicant@fri.example", "문가영 연구원", R.APPLICANT, "FRI", True),
    ("applicant@gyeongnam.example", "배준영 주무관", R.APPLICANT, "GN", True),
    ("applicant@chungbuk.example", "윤지아 주무관", R.APPLICANT, "CB", True),
]


def demo_totp_secret(email: str) -> str:
    """A stable TOTP secret per demo account, so the printed list stays valid across runs."""
    return base64.b32encode(hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]).decode()
