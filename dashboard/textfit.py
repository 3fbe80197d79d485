"""Text wrapped by measured width: the metrics of the font an export embeds, not a count of
characters.

Exports state their font as Arial/Helvetica; on Debian (and in our images) Chromium draws that
with Liberation Sans, whose advance widths are Arial's by design, so measuring with Liberation
Sans measures what the image shows. Where no such file is found (``fc-match`` is asked first),
Pillow's built-in FreeType font stands in and :func:`font_file` says so.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

LIBERATION = Path("/usr/share/fonts/truetype/liberation")


@lru_cache(maxsize=2)
def font_file(bold: bool = False) -> str | None:
    """Path of the font that draws Arial (regular or bold) here, or None."""
    name = f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"
    if (LIBERATION / name).exists():
        return str(LIBERATION / name)
    if shutil.which("fc-match"):
        pattern = f"Arial:{'bold' if bold else 'regular'}"
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and Path(out).exists():
            return out
    return None


@lru_cache(maxsize=16)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = font_file(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def text_width(text: str, size: int, bold: bool = False) -> float:
    """Advance width of ``text`` in px at ``size`` px."""
    return float(_font(size, bold).getlength(text))


def wrap(text: str, width_px: float, size: int, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width_px`` at ``size`` px; a
    single word wider than the line keeps a line of its own."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, size, bold) > width_px:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines
