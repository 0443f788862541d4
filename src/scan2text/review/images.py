"""Images and box overlays for the review app: the cleaned image as written, the original re-read
from the input folder, and line/word outlines in each image's own pixels."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from scan2text.models import Box
from scan2text.store import LineState, PageState
from scan2text.store.geometry import IDENTITY, quad
from scan2text.store.run_folder import RunFolder


class Shape(BaseModel):
    line_id: str
    kind: str  # "line" or "word"
    points: str  # SVG polygon points
    conf: float
    level: str  # low / mid / high, for colour
    title: str


class Overlay(BaseModel):
    width: int
    height: int
    shapes: list[Shape]


def level(conf: float) -> str:
    return "low" if conf < 60 else "mid" if conf < 80 else "high"


def overlay(lines: list[LineState], matrix: list[list[float]], width: int, height: int) -> Overlay:
    """Line and word outlines mapped through `matrix` (identity for the cleaned image)."""
    shapes: list[Shape] = []

    def add(line_id: str, kind: str, box: Box, conf: float, title: str) -> None:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in quad(box, matrix))
        shapes.append(Shape(line_id=line_id, kind=kind, points=pts, conf=conf, level=level(conf), title=title))

    for line in lines:
        add(line.line_id, "line", line.box, line.conf, f"{line.line_id} · {line.conf:.0f}%")
        for word in line.words:
            add(line.line_id, "word", word.box, word.conf, f"{word.text} · {word.conf:.0f}%")
    return Overlay(width=max(1, width), height=max(1, height), shapes=shapes)


def image_size(path: Path) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(path) as im:
            return im.size
    except OSError:
        return None


def clean_path(folder: RunFolder, state: PageState) -> Path | None:
    """The cleaned image, only if it lies inside the output folder (ids come from URLs)."""
    if not state.page.cleaned_image:
        return None
    path = folder.resolve(state.page.cleaned_image).resolve()
    if not path.is_relative_to(folder.root.resolve()) or not path.is_file():
        return None
    return path


def original_path(state: PageState) -> Path | None:
    """Where the page's original is: under the run's input folder, or the input itself when a run
    was given a single file."""
    given = Path(state.input_dir)
    for path in (given / state.page.image, given, given.parent / state.page.image):
        if path.is_file() and path.name == Path(state.page.image).name:
            return path
    return None


def original_png(path: Path, frame: int) -> bytes:
    """The original page as PNG, read the way the pipeline read it (EXIF turn, TIFF frame, PDF page),
    so the boxes mapped with to_original land on it."""
    return _original_png(str(path), frame, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _original_png(path: str, frame: int, mtime: int) -> bytes:
    import cv2

    from scan2text.ingest import PageSource, load_image

    image = load_image(PageSource(id=path, path=path, image=Path(path).name, frame=frame))
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise OSError(f"cannot encode {path} as PNG")
    return data.tobytes()


__all__ = ["IDENTITY", "Overlay", "Shape", "clean_path", "image_size", "original_path", "original_png", "overlay"]
