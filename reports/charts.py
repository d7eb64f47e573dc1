"""The completion rate of each commune that reported, as one standalone SVG (the consolidated report's
chart): a horizontal bar per commune on a fixed 0–100 % scale, highest first, the rate written beside
it. The same markup goes inline into the page and into the PDF (WeasyPrint), so it uses only rect,
line and text; the names are data and are XML-escaped (indicators.charts does the same)."""

from indicators.charts import FONT, INK, LINE, MUTED, TRACK, _attr, _n, _text
from indicators.selectors import percent_text

BAR = "#1f5fa8"
WIDTH = 640
LABEL = 170  # room for the commune's name
RATE = 64  # room for the rate after the bar
ROW = 20
BAR_HEIGHT = 13
TOP = 22
BOTTOM = 8
SIZE = 12
CHAR_WIDTH = 0.5  # average advance, in em


def _fit(name, width):
    chars = max(int(width / (SIZE * CHAR_WIDTH)), 6)
    name = " ".join(str(name).split())
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


def completion_svg(ranked, *, title="Tỷ lệ hoàn thành theo xã"):
    """`ranked`: [(name, rate as a Decimal in per cent)], in the order to draw (highest first)."""
    track = WIDTH - LABEL - RATE
    height = TOP + ROW * max(len(ranked), 1) + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={_attr(title)} font-family={_attr(FONT)}>',
        f"<title>{_text(title)}</title>",
    ]
    for tick in (0, 50, 100):
        x = LABEL + track * tick / 100
        parts.append(f'<line x1="{_n(x)}" y1="{TOP - 4}" x2="{_n(x)}" y2="{height - BOTTOM}" stroke="{LINE}"/>')
        parts.append(
            f'<text x="{_n(x)}" y="{TOP - 8}" font-size="{SIZE - 1}" fill="{MUTED}" text-anchor="middle">{tick}%</text>'
        )
    if not ranked:
        parts.append(
            f'<text x="{LABEL}" y="{TOP + 14}" font-size="{SIZE}" fill="{MUTED}">Chưa có xã gửi báo cáo.</text>'
        )
    for index, (name, value) in enumerate(ranked):
        y = TOP + ROW * index
        bar_y = y + (ROW - BAR_HEIGHT) / 2
        width = track * min(max(float(value), 0.0), 100.0) / 100
        parts.append(
            f'<text x="{LABEL - 6}" y="{_n(y + ROW / 2 + SIZE / 3)}" font-size="{SIZE}" fill="{INK}" '
            f'text-anchor="end">{_text(_fit(name, LABEL - 10))}</text>'
        )
        parts.append(f'<rect x="{LABEL}" y="{_n(bar_y)}" width="{_n(track)}" height="{BAR_HEIGHT}" fill="{TRACK}"/>')
        parts.append(f'<rect x="{LABEL}" y="{_n(bar_y)}" width="{_n(width)}" height="{BAR_HEIGHT}" fill="{BAR}"/>')
        parts.append(
            f'<text x="{_n(LABEL + width + 4)}" y="{_n(y + ROW / 2 + SIZE / 3)}" font-size="{SIZE}" '
            f'fill="{INK}">{_text(percent_text(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
