"""Target-vs-actual chart of a plan's KPIs as one standalone SVG string.

The same markup goes inline into the KPI page and into the báo cáo PDF (WeasyPrint), so it uses only
what both draw: rect, line, polygon, text/tspan, a <pattern> for hatching. One horizontal band per
indicator on a fixed 0–100 % scale: the actual rate is a bar, the target a black marker. Met and not
met differ by fill *pattern* as well as colour (solid vs hatched), so a black-and-white print keeps the
difference. Every piece of text is data (indicator names come from the catalogue, the import, the
admin) and is XML-escaped; characters XML 1.0 forbids are dropped.
"""

import hashlib
import re
import textwrap
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from .selectors import percent_text

FONT = "Liberation Serif, Times New Roman, serif"
INK, MUTED, LINE, TRACK = "#1d2733", "#5b6673", "#c5ccd6", "#f4f6f9"
MET, NOT_MET, NO_TARGET = "#1f7a3f", "#b42318", "#5b6673"

NAME_SIZE, SMALL_SIZE, RATE_SIZE = 13, 11, 13
NAME_LINE, SMALL_LINE = 16, 14
BAR_HEIGHT = 16
ROW_GAP = 12
PAD = 8
HEADER = 24
LEGEND = 34
CHAR_WIDTH = 0.47  # average advance of Liberation Serif, in em, for Vietnamese text
MAX_NAME_LINES = 2

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value):
    return escape(_XML_FORBIDDEN.sub("", str(value)))


def _attr(value):
    return quoteattr(_XML_FORBIDDEN.sub("", str(value)))


def _n(value):
    """A coordinate: at most 2 decimals, no exponent."""
    return format(round(float(value), 2), "g") if abs(value) < 1e6 else str(int(value))


def _wrap(name, chars):
    lines = textwrap.wrap(" ".join(str(name).split()), width=max(chars, 10)) or [""]
    if len(lines) > MAX_NAME_LINES:
        lines = lines[:MAX_NAME_LINES]
        lines[-1] = lines[-1][: max(chars - 1, 1)].rstrip() + "…"
    return lines


def _points(value):
    return format(Decimal(value).quantize(Decimal("0.01")).normalize(), "f").replace(".", ",")


def _caption(row):
    parts = []
    if row.numerator is not None:
        parts.append(f"{row.numerator}/{row.denominator}")
    parts.append(f"chỉ tiêu: {row.target_text}" if row.target_value is not None else "chưa giao chỉ tiêu")
    if row.gap is not None:
        if row.gap > 0:
            parts.append(f"vượt {_points(row.gap)} điểm")
        elif row.gap < 0:
            parts.append(f"thiếu {_points(-row.gap)} điểm")
    return " · ".join(parts)


def _status(row):
    if row.rate is None:
        return ""
    if row.met is None:
        return percent_text(row.rate)
    return f"{percent_text(row.rate)} – {'Đạt' if row.met else 'Chưa đạt'}"


def _ids(rows, width):
    """Pattern ids unique per chart content, so two charts inline in one page do not collide."""
    key = repr([(r.indicator.pk, r.indicator.name, r.numerator, r.denominator, r.target_value) for r in rows])
    return "kpi" + hashlib.sha1(f"{key}{width}".encode()).hexdigest()[:8]


def _defs(prefix):
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{NOT_MET}" '
        f'stroke-width="2.5"/>'
        "</pattern>"
        f'<pattern id="{prefix}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.3" fill="{NO_TARGET}"/>'
        "</pattern>"
        "</defs>"
    )


def _fill(row, prefix):
    if row.met is None:
        return f"url(#{prefix}-dots)", NO_TARGET
    return (MET, MET) if row.met else (f"url(#{prefix}-hatch)", NOT_MET)


def _marker(x, top, bottom):
    # A white halo keeps the black marker visible on a dark bar, in colour and in black and white.
    return (
        f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="#ffffff" stroke-width="5.5"/>'
        f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="#000000" stroke-width="2.5"/>'
        f'<polygon points="{_n(x - 5)},{_n(top - 6)} {_n(x + 5)},{_n(top - 6)} {_n(x)},{_n(top)}" fill="#000000"/>'
    )


def _legend(y, x0, prefix, with_no_target):
    items = [
        (f'<rect x="0" y="-10" width="22" height="12" fill="{MET}" stroke="{MET}"/>', "Đạt chỉ tiêu"),
        (f'<rect x="0" y="-10" width="22" height="12" fill="url(#{prefix}-hatch)" stroke="{NOT_MET}"/>', "Chưa đạt"),
    ]
    if with_no_target:
        items.append(
            (
                f'<rect x="0" y="-10" width="22" height="12" fill="url(#{prefix}-dots)" stroke="{NO_TARGET}"/>',
                "Chưa giao chỉ tiêu",
            )
        )
    items.append((_marker(11, -8, 4), "Chỉ tiêu giao"))
    parts, x = [], x0
    for swatch, label in items:
        parts.append(
            f'<g transform="translate({_n(x)},{_n(y)})">{swatch}'
            f'<text x="28" y="0" font-size="{SMALL_SIZE + 1}" fill="{INK}">{_text(label)}</text></g>'
        )
        x += 28 + len(label) * (SMALL_SIZE + 1) * CHAR_WIDTH + 22
    return "".join(parts)


def target_vs_actual_svg(rows, *, width=600, height=None) -> str:
    """The chart of `rows` (indicators.selectors.KpiRow) as a standalone <svg> string.

    `width` and `height` are in CSS px (the SVG also carries a viewBox, so a stylesheet may scale it);
    without `height` the chart is as tall as its rows need, with one the drawing is scaled to fit.
    """
    rows = list(rows)
    width = max(int(width), 320)
    prefix = _ids(rows, width)
    right = max(120, round(width * 0.22))
    x0, x1 = PAD, width - right - PAD
    scale = (x1 - x0) / 100
    chars = int((width - 2 * PAD) / (NAME_SIZE * CHAR_WIDTH))

    tracks, body, y = [], [], HEADER
    # The 0–100 % axis: tick labels on top, light dashed grid lines at 25/50/75 % inside every band.
    axis = []
    for tick in (0, 25, 50, 75, 100):
        x = x0 + tick * scale
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        axis.append(
            f'<text x="{_n(x)}" y="14" font-size="{SMALL_SIZE}" fill="{MUTED}" text-anchor="{anchor}">{tick}%</text>'
        )

    for number, row in enumerate(rows, 1):
        lines = _wrap(f"{number}. {row.indicator.name}", chars)
        for line in lines:
            y += NAME_LINE
            body.append(
                f'<text class="name" x="{x0}" y="{_n(y - 4)}" font-size="{NAME_SIZE}" font-weight="bold" '
                f'fill="{INK}">{_text(line)}</text>'
            )
        top = y + 8  # room for the target marker's head under the name
        bottom = top + BAR_HEIGHT
        tracks.append(
            f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(x1 - x0)}" height="{BAR_HEIGHT}" fill="{TRACK}" '
            f'stroke="{LINE}" stroke-width="1"/>'
        )
        tracks.extend(
            f'<line x1="{_n(x0 + t * scale)}" y1="{_n(top)}" x2="{_n(x0 + t * scale)}" y2="{_n(bottom)}" '
            f'stroke="{LINE}" stroke-width="0.8" stroke-dasharray="3,3"/>'
            for t in (25, 50, 75)
        )
        if row.rate is not None:
            fill, stroke = _fill(row, prefix)
            bar = max(float(row.rate) * scale, 1.5)
            body.append(
                f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(bar)}" height="{BAR_HEIGHT}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="1.2"/>'
            )
        else:
            body.append(
                f'<text x="{_n(x0 + 6)}" y="{_n(bottom - 4)}" font-size="{SMALL_SIZE}" font-style="italic" '
                f'fill="{MUTED}">Chưa có số liệu</text>'
            )
        if row.target_value is not None:
            body.append(_marker(x0 + float(row.target_value) * scale, top - 1, bottom + 3))
        if row.rate is not None:
            weight = "bold" if row.met is not None else "normal"
            colour = INK if row.met is None else (MET if row.met else NOT_MET)
            body.append(
                f'<text class="rate" x="{_n(x1 + 10)}" y="{_n(bottom - 3)}" font-size="{RATE_SIZE}" '
                f'font-weight="{weight}" fill="{colour}">{_text(_status(row))}</text>'
            )
        y = bottom + SMALL_LINE + 2
        body.append(
            f'<text class="caption" x="{x0}" y="{_n(y - 1)}" font-size="{SMALL_SIZE}" '
            f'fill="{MUTED}">{_text(_caption(row))}</text>'
        )
        y += ROW_GAP

    if not rows:
        y += NAME_LINE * 2
        body.append(
            f'<text x="{x0}" y="{_n(y - 8)}" font-size="{NAME_SIZE}" font-style="italic" fill="{MUTED}">Kế hoạch '
            f"chưa có chỉ tiêu nào.</text>"
        )

    legend = _legend(y + 18, x0, prefix, any(r.rate is not None and r.met is None for r in rows))
    natural_height = y + LEGEND
    out_height = natural_height if height is None else max(int(height), 1)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{out_height}" '
        f'viewBox="0 0 {width} {_n(natural_height)}" preserveAspectRatio="xMidYMin meet" '
        f'font-family={_attr(FONT)} role="img" aria-labelledby="{prefix}-title">'
        f'<title id="{prefix}-title">Chỉ tiêu giao và kết quả thực hiện</title>'
        f"{_defs(prefix)}"
        f'<rect width="{width}" height="{_n(natural_height)}" fill="#ffffff"/>'
        f"{''.join(axis)}{''.join(tracks)}{''.join(body)}{legend}"
        "</svg>"
    )
