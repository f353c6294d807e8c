"""Numbers stored as typed and shown in Korean style, whatever form an older version stored them in."""

from decimal import Decimal

from django.template import Context, Template

from portal.numbers import label_unit, number_display, number_json, number_value


def test_number_json_stores_round_numbers_without_an_exponent():
    assert number_json(Decimal("7E+1")) == "70"
    assert number_json(Decimal("3.5E+6")) == "3500000"
    assert number_json(Decimal("70.0")) == "70"
    assert number_json(Decimal("12.50")) == "12.50"
    assert number_json(Decimal("0.0001")) == "0.0001"


def test_number_display_reads_scientific_notation_in_korean_style():
    assert number_display("7E+1") == "70"
    assert number_display("3.5E+6", "m²") == "3,500,000 m²"
    assert number_display("1234.5") == "1,234.5"
    assert number_display("-1200") == "-1,200"
    assert number_display("120", "억 원") == "120억 원"
    assert number_display("85", "%") == "85%"


def test_number_display_keeps_what_is_not_a_number():
    assert number_display("팔십오 퍼센트", "%") == "팔십오 퍼센트"
    assert number_display("") == ""
    assert number_display(None) == ""


def test_label_unit_reads_the_bracketed_unit_at_the_end_of_a_label():
    assert label_unit("면적(m²)") == "m²"
    assert label_unit("Area (m²)") == "m²"
    assert label_unit("2025년 수출액(억 원)") == "억 원"
    assert label_unit("국내 기술수준 (세계 최고 대비 %)") == "%"
    assert label_unit("연구 인력") == ""


def test_number_value_keeps_spreadsheet_cells_numeric():
    assert number_value("7E+1") == 70 and isinstance(number_value("7E+1"), int)
    assert number_value("3.5E+6") == 3500000
    assert number_value("12.5") == Decimal("12.5")
    assert number_value("abc") is None and number_value(True) is None


def test_number_filter_in_templates():
    rendered = Template('{% load numbers %}{{ a|number:"m²" }}|{{ b|number }}|{{ c|number }}').render(
        Context({"a": "3.5E+6", "b": Decimal("1E+3"), "c": ""})
    )
    assert rendered == "3,500,000 m²|1,000|"
