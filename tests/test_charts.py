"""The server-side SVG charts: well-formed, labelled for assistive technology, labels escaped,
and drawing the numbers they are given."""

import xml.etree.ElementTree as ET

import pytest

from app import charts

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Завод <b>"Алтай"</b> & Ко'


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup, not untrusted input


def _values(root: ET.Element, tag: str = "rect") -> list[str]:
    return [el.get("data-value") for el in root.iter(f"{SVG}{tag}") if el.get("data-value")]


def _texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


CHARTS = {
    "bars": lambda: charts.horizontal_bars("c1", "Найм", [NASTY, "Риддер"], [12, 3]),
    "columns": lambda: charts.bar_chart("c2", "Выпуск", ["2024", NASTY],
                                        [("Выпускники", [10, 20]), ("Работают", [8, 15])]),
    "funnel": lambda: charts.funnel("c3", "Воронка", [("Направлены", 10), (NASTY, 4),
                                                      ("Приняты", 0)]),
    "weekly": lambda: charts.weekly_chart("c4", "Часы", ["2025-W01", "2025-W02", NASTY],
                                          [("Внесено", [10, 12.5, 0]), ("Подписано", [8, 12, 0])]),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_chart_is_well_formed_and_labelled(kind):
    root = _parse(CHARTS[kind]())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.get("id") == title_id and title.text
    assert desc.get("id") == desc_id and desc.text
    assert all(el.get("style") is None for el in root.iter())


@pytest.mark.parametrize("kind", CHARTS)
def test_labels_are_escaped_not_markup(kind):
    markup = str(CHARTS[kind]())
    assert "<b>" not in markup
    root = _parse(markup)
    all_text = " ".join(root.itertext())
    assert NASTY[:20] in all_text  # the label is text, not elements


def test_horizontal_bars_draw_the_given_numbers_to_scale():
    root = _parse(charts.horizontal_bars("h", "t", ["a", "b", "c"], [10, 5, 0]))
    rects = list(root.iter(f"{SVG}rect"))
    assert [r.get("data-value") for r in rects] == ["10", "5", "0"]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert {"10", "5", "0"} <= set(_texts(root))


def test_horizontal_bars_with_a_ceiling_draw_percentages():
    root = _parse(charts.horizontal_bars("p", "t", ["a"], [50], max_value=100,
                                         fmt=lambda v: f"{v:.1f}%"))
    assert "50.0%" in _texts(root)


def test_columns_carry_every_series_value():
    root = _parse(CHARTS["columns"]())
    assert _values(root) == ["10", "8", "20", "15"]
    assert "Выпускники" in _texts(root)


def test_funnel_widths_follow_the_first_stage():
    root = _parse(charts.funnel("f", "t", [("a", 200), ("b", 50)]))
    first, second = (float(r.get("width")) for r in root.iter(f"{SVG}rect"))
    assert second == pytest.approx(first / 4)
    assert any("25%" in text for text in _texts(root))


def test_weekly_chart_plots_a_point_per_week_and_series():
    root = _parse(CHARTS["weekly"]())
    assert _values(root, "circle") == ["10", "12.5", "0", "8", "12", "0"]
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_empty_charts_are_still_valid_svg():
    for markup in (charts.horizontal_bars("e1", "t", [], []), charts.funnel("e2", "t", []),
                   charts.bar_chart("e3", "t", [], []), charts.weekly_chart("e4", "t", [], [])):
        assert _parse(markup).get("role") == "img"


def test_chart_ids_cannot_break_out_of_the_attribute():
    markup = str(charts.funnel('x" onload="alert(1)', "t", [("a", 1)]))
    assert "onload" not in _parse(markup).attrib


@pytest.mark.parametrize(("language", "share"), [("ru", "(63,6%)"), ("kk", "(63,6%)"),
                                                 ("en", "(63.6%)")])
def test_funnel_shares_are_written_as_the_reader_writes_numbers(app, language, share):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        markup = str(charts.funnel("f", "t", [("a", 11), ("b", 7)]))
    assert share in markup
