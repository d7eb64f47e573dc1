import re
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

from indicators.charts import FONT, target_vs_actual_svg
from indicators.models import Indicator, Measurement, PlanTarget
from indicators.selectors import _row
from tthc_portal.printing import render_pdf

SVG = "{http://www.w3.org/2000/svg}"


def row(name, numerator=None, denominator=None, target=None, qualifier="min", pk=1):
    indicator = Indicator(pk=pk, code=f"i{pk}", name=name)
    plan_target = (
        PlanTarget(indicator=indicator, value=Decimal(target), qualifier=qualifier) if target is not None else None
    )
    measurement = Measurement(numerator=numerator, denominator=denominator) if numerator is not None else None
    return _row(indicator, plan_target, measurement)


ROWS = [
    row("Tỷ lệ số hóa kết quả giải quyết TTHC", 406, 412, 100, "exact", pk=1),
    row("Tỷ lệ hồ sơ trực tuyến", 300, 400, 50, pk=2),
    row("Tỷ lệ thanh toán trực tuyến", target=45, pk=3),
    row("Tỷ lệ số hóa hồ sơ khi tiếp nhận", 10, 20, pk=4),
]


def texts(svg):
    root = ET.fromstring(svg)
    return root, " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_the_chart_is_well_formed_svg():
    root, _ = texts(target_vs_actual_svg(ROWS))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox").startswith("0 0 600 ")


def test_the_chart_names_every_indicator_with_its_rate_and_verdict():
    _, text = texts(target_vs_actual_svg(ROWS))
    assert "1. Tỷ lệ số hóa kết quả giải quyết TTHC" in text
    assert "98,54% – Chưa đạt" in text
    assert "75% – Đạt" in text
    assert "406/412 · chỉ tiêu: đạt 100% · thiếu 1,46 điểm" in text
    assert "300/400 · chỉ tiêu: tối thiểu 50% · vượt 25 điểm" in text
    assert "Chưa có số liệu" in text
    assert "chưa giao chỉ tiêu" in text


def test_met_and_not_met_bars_differ_by_pattern_not_only_colour():
    root, _ = texts(target_vs_actual_svg(ROWS))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert any(f.startswith("url(#") and f.endswith("-hatch)") for f in fills)
    assert "#1f7a3f" in fills
    assert root.find(f"{SVG}defs/{SVG}pattern") is not None


def test_each_target_gets_a_black_marker():
    root, _ = texts(target_vs_actual_svg(ROWS))
    markers = [p for p in root.iter(f"{SVG}polygon") if p.get("fill") == "#000000"]
    assert len(markers) == 3 + 1  # three targets and the legend


def test_the_chart_uses_the_documents_serif_font():
    root, _ = texts(target_vs_actual_svg(ROWS))
    assert root.get("font-family") == FONT == "Liberation Serif, Times New Roman, serif"


def test_indicator_names_are_escaped():
    svg = target_vs_actual_svg([row('A <script>alert("x")</script> & B\x0b', 1, 2, 50)])
    _, text = texts(svg)
    assert "<script>" not in svg
    assert 'A <script>alert("x")</script> & B' in text


def test_long_names_wrap_onto_two_lines_at_most():
    name = "Tỷ lệ kết quả xử lý hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia " * 3
    root, _ = texts(target_vs_actual_svg([row(name, 1, 2, 50)], width=400))
    name_lines = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert len(name_lines) == 2
    assert name_lines[0].startswith("1. Tỷ lệ kết quả") and name_lines[1].endswith("…")


def test_a_given_height_scales_the_drawing_to_fit():
    root, _ = texts(target_vs_actual_svg(ROWS, width=500, height=300))
    assert (root.get("width"), root.get("height")) == ("500", "300")
    assert root.get("viewBox").startswith("0 0 500 ")


def test_without_rows_the_chart_says_so():
    _, text = texts(target_vs_actual_svg([]))
    assert "Kế hoạch chưa có chỉ tiêu nào." in text


def test_two_charts_with_different_rows_do_not_share_pattern_ids():
    ids = [re.search(r'id="(kpi[0-9a-f]+)-hatch"', target_vs_actual_svg(rows)).group(1) for rows in (ROWS, ROWS[:2])]
    assert ids[0] != ids[1]


FONT_FACES = "".join(
    f'@font-face {{ font-family: "Liberation Serif"; src: url("fonts/LiberationSerif-{face}.ttf"); {css} }}'
    for face, css in (("Regular", ""), ("Bold", "font-weight: bold;"), ("Italic", "font-style: italic;"))
)


def test_the_chart_renders_in_weasyprint_with_the_embedded_serif(tmp_path):
    html = (
        f"<html><head><style>{FONT_FACES} @page {{ size: A4; "
        f"}}</style></head><body>{target_vs_actual_svg(ROWS)}</body></html>"
    )
    result = render_pdf(html)
    assert result.pages == 1 and result.refused_urls == []
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(result.data)
    # poppler-utils is installed by `make test` (bin/system-deps test)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts.splitlines()[2:]}
    assert families == {"Liberation"}
    assert "Tỷ lệ hồ sơ trực tuyến" in text
    assert "98,54%" in text
