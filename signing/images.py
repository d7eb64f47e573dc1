"""The demo's signature and seal images (PNG, transparent), drawn with Pillow: a blue handwritten-like
stroke for a person, a red round seal for an organisation — each marked DEMO, never to be mistaken for
a real one. A deployment uploads the real images (scanned, PNG with a transparent background)."""

import io
import math
import random

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

BLUE = (22, 52, 170, 255)
RED = (210, 20, 30, 255)
DPI = 300  # pixels per inch of the images: printed at their size in mm
_FONTS = settings.BASE_DIR / "static" / "fonts"


def _px(mm):
    return round(mm / 25.4 * DPI)


def _font(size_px, bold=False):
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(_FONTS / name), size_px)


def signature_png(name: str, *, width_mm=45, height_mm=20) -> bytes:
    """A blue signature-like stroke derived from `name` (the same name draws the same stroke), with
    "DEMO" written small under it."""
    width, height = _px(width_mm), _px(height_mm)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rng = random.Random(name)
    turns, lift = rng.uniform(3.5, 5.5), rng.uniform(0.15, 0.3)
    points = []
    steps = 240
    for step in range(steps + 1):
        t = step / steps
        x = width * (0.08 + 0.84 * t) + math.cos(t * math.pi * 2 * turns) * width * 0.03
        y = height * (0.5 - lift * t) + math.sin(t * math.pi * 2 * turns) * height * 0.22 * (1.1 - t)
        points.append((x, y))
    draw.line(points, fill=BLUE, width=max(3, _px(0.5)), joint="curve")
    draw.line([(width * 0.15, height * 0.72), (width * 0.85, height * 0.62)], fill=BLUE, width=max(2, _px(0.35)))
    draw.text((width / 2, height * 0.92), "DEMO", fill=BLUE, font=_font(_px(2.6)), anchor="ms")
    return _png(image)


def seal_png(unit_name: str, *, diameter_mm=36) -> bytes:
    """A red round seal: the unit's name around the rim, a star in the middle, "DEMO – không có giá
    trị pháp lý" across it."""
    size = _px(diameter_mm)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    stroke = max(4, _px(0.7))
    draw.ellipse([stroke, stroke, size - stroke, size - stroke], outline=RED, width=stroke)
    inner = _px(6.5)
    draw.ellipse([inner, inner, size - inner, size - inner], outline=RED, width=max(2, stroke // 2))
    _text_on_circle(image, unit_name.upper(), radius=size / 2 - _px(3.6), font=_font(_px(2.6), bold=True))
    centre = size / 2
    star = [
        (
            centre + math.cos(math.pi / 2 + k * math.pi / 5) * (_px(4) if k % 2 == 0 else _px(1.6)),
            centre - _px(3) - math.sin(math.pi / 2 + k * math.pi / 5) * (_px(4) if k % 2 == 0 else _px(1.6)),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=RED)
    draw.text((centre, centre + _px(3.2)), "DEMO", fill=RED, font=_font(_px(3.6), bold=True), anchor="mm")
    draw.text((centre, centre + _px(6.2)), "không có giá trị pháp lý", fill=RED, font=_font(_px(1.9)), anchor="mm")
    return _png(image)


def _text_on_circle(image, text, *, radius, font):
    """`text` around the top of a circle, each letter upright to the rim."""
    centre = image.width / 2
    span = min(math.pi * 1.7, len(text) * 0.105)
    start = math.pi / 2 + span / 2
    for index, letter in enumerate(text):
        angle = start - span * (index + 0.5) / max(1, len(text))
        box = font.getbbox(letter)
        tile = Image.new("RGBA", (box[2] + 8, font.size + 8), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((4, 4), letter, fill=RED, font=font)
        tile = tile.rotate(math.degrees(angle - math.pi / 2), expand=True, resample=Image.Resampling.BICUBIC)
        x = centre + math.cos(angle) * radius - tile.width / 2
        y = centre - math.sin(angle) * radius - tile.height / 2
        image.alpha_composite(tile, (round(x), round(y)))


def _png(image):
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()
