"""Date-times as people read them: in Korea time, with the zone named."""

from django.utils import timezone
from django.utils.dateformat import format as date_format


def kst(value, fmt: str = "Y-m-d (D) H:i") -> str:
    """A date-time in Korea time with the zone named ("2030-04-02 (화) 14:00 KST"); "" for None."""
    if value is None:
        return ""
    return f"{date_format(timezone.localtime(value), fmt)} KST"
