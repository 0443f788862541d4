"""Quality benchmark: plain Tesseract on the raw scan vs. scan2text's preprocess and OCR stages.

Reads either a sample set (`truth.json` at the root, format in docs/SAMPLE-SHAPES.md) or a plain folder of
images each with a `<stem>.gt.txt` next to it (language taken from `lang`, default English). Plain Tesseract
(the `tesseract` command on the scan file) reads the raw scan with the page's language; scan2text cleans it
and reads it as a run does (the language guessed from the folder and checked, weak lines re-read, stamps set
aside). The table gives, per language and degradation level, CER and WER of each side, the share of
ground-truth words lost, skew error against the truth, orientation right/wrong, and seconds per page for
preprocessing and OCR. The command line sends a folder without truth.json to `scan2text_tools.bench.real` instead,
which judges real pages through a run's page path.

    from scan2text_tools.bench.quality import quality_bench
    print(quality_bench(Path("bench/hard")))
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from scan2text.diff.metrics import EditCounts, edit_counts, tokens, word_counts
from scan2text.errors import BlankPageError, Scan2TextError
from scan2text.ingest import PageSource, count_frames, load_image
from scan2text.ocr import OcrResult, engines, ocr_page, tesseract
from scan2text.ocr.orientation import decide_up_down
from scan2text.pipeline.page import one_thread_per_page
from scan2text.pipeline.up_down import settle_up_down
from scan2text.preprocess import preprocess
from scan2text.settings import OcrSettings, PreprocessSettings

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


class BenchPage(BaseModel):
    image: str
    frame: int = 0
    language: str
    gt: str
    level: str = "real"
    skew: float | None = None
    rotation: int | None = None


class PageResult(BaseModel):
    page: BenchPage
    raw_chars: EditCounts
    raw_words: EditCounts
    raw_lost: float
    chars: EditCounts
    chars_folded: EditCounts
    words: EditCounts
    lost: float
    skew_found: float
    orientation_found: int
    preprocess_seconds: float
    raw_ocr_seconds: float
    ocr_seconds: float
    preprocess_cpu: float = 0.0
    ocr_cpu: float = 0.0

    @property
    def skew_error(self) -> float | None:
        if self.page.skew is None:
            return None
        # truth and report share the convention: counter-clockwise degrees that straighten the text
        return abs(self.skew_found - self.page.skew)

    @property
    def orientation_right(self) -> bool | None:
        if self.page.rotation is None:
            return None
        # both are the clockwise turn that makes the scan upright
        return self.orientation_found % 360 == self.page.rotation % 360


def load_pages(root: Path, lang: str = "eng") -> list[BenchPage]:
    """Pages of a sample set (truth.json) or of a plain folder of images with .gt.txt files."""
    truth = root / "truth.json"
    if truth.is_file():
        data = json.loads(truth.read_text(encoding="utf-8"))
        return [
            BenchPage(image=p["image"], frame=p.get("frame", 0), language=p["language"], gt=p["gt"],
                      level=p.get("level", "?"), skew=p.get("skew"), rotation=p.get("rotation"))
            for p in data["pages"]
        ]
    pages = []
    for path in sorted(root.rglob("*")):
        gt = path.with_name(path.stem + ".gt.txt")
        if path.suffix.lower() in IMAGE_SUFFIXES and gt.is_file():
            pages.append(BenchPage(image=path.relative_to(root).as_posix(), language=lang,
                                   gt=gt.relative_to(root).as_posix()))
    if not pages:
        raise Scan2TextError("no truth.json and no images with .gt.txt files", str(root))
    return pages


def normalize_text(text: str) -> str:
    """One line per typed line, runs of spaces collapsed, blank lines dropped (both sides alike)."""
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# Typographic look-alikes the OCR models do not tell apart (en/em dashes, ellipsis, curly quotes, Armenian
# full stop and comma vs colon and backtick). Folding them gives a second CER that isolates what the image
# does to the reading from how a model spells punctuation — the post-OCR fixes are another stage's job.
_FOLD = str.maketrans({
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "’": "'", "‘": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "։": ":", "՝": "`", "…": "...",
})


def fold_typography(text: str) -> str:
    return text.translate(_FOLD)


def words_lost(reference: str, hypothesis: str) -> float:
    """Share of ground-truth words (as a multiset) that appear nowhere in the hypothesis."""
    ref = Counter(tokens(reference))
    if not ref:
        return 0.0
    hyp = Counter(tokens(hypothesis))
    return 1.0 - sum((ref & hyp).values()) / sum(ref.values())


PLAIN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as a child process).

    Wall time on a shared machine measures the neighbours; CPU time measures the work, so the
    preprocess/OCR ratio is computed from it. This process's own time comes from the nanosecond CPU clock:
    os.times counts in 10 ms ticks, as much as a tenth of a page's preprocessing. Children are counted in
    ticks (the kernel keeps nothing finer), which is fine for Tesseract's second-long readings.
    """
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def _plain(path: Path, frame: int, image: np.ndarray, lang: str, psm: int) -> str:
    """Plain Tesseract as a user runs it: the `tesseract` command on the scan file itself, which sees the
    file's DPI tag (72-300 on real scans). A frame of a multi-page file, or a PDF page, goes as decoded."""
    if frame != 0 or path.suffix.lower() not in PLAIN_SUFFIXES or count_frames(path) != 1:
        return _read(image, lang, psm)[0]
    done = engines.run_command(str(path), "-", "-l", lang, "--psm", str(psm))
    if done.returncode != 0:
        raise RuntimeError(f"plain tesseract failed on {path}: {done.stderr.strip()}")
    return done.stdout


def _read(image: np.ndarray, lang: str, psm: int) -> tuple[str, float, float]:
    start, cpu = time.perf_counter(), cpu_seconds()
    lines = tesseract.recognize(image, lang, psm=psm)
    return "\n".join(line.text for line in lines), time.perf_counter() - start, cpu_seconds() - cpu


def _read_as_scan2text(image: np.ndarray, hint: str | None, psm: int) -> tuple[OcrResult | None, float, float]:
    """The OCR stage as a run does it: 'auto' with the folder's language as hint, second pass, restored
    characters, stamps and scribbles set aside. None for a page with no text."""
    start, cpu = time.perf_counter(), cpu_seconds()
    try:
        result: OcrResult | None = ocr_page(image, OcrSettings(psm=psm), hint=hint)
    except BlankPageError:
        result = None
    return result, time.perf_counter() - start, cpu_seconds() - cpu


def bench_page(root: Path, page: BenchPage, settings: PreprocessSettings, psm: int, lang_hint: bool,
               raw: bool = True) -> PageResult:
    source = PageSource(id=page.image, path=str(root / page.image), image=page.image, frame=page.frame)
    image = load_image(source)
    gt = normalize_text((root / page.gt).read_text(encoding="utf-8"))
    raw_started = time.perf_counter()
    raw_text = _plain(Path(source.path), page.frame, image, page.language, psm) if raw else ""
    raw_seconds = time.perf_counter() - raw_started if raw else 0.0
    cpu = cpu_seconds()
    hint = page.language if lang_hint else None
    cleaned, report = preprocess(image, settings, hint, defer_up_down=True, read_up_down=decide_up_down)
    pre_cpu = cpu_seconds() - cpu
    result, seconds, ocr_cpu = _read_as_scan2text(cleaned, hint, psm)
    if result is not None:
        # an up/down check left to the reading is preprocessing work, a page found upside down read again included
        cpu = cpu_seconds()
        _, report, result = settle_up_down(cleaned, report, result, OcrSettings(psm=psm), hint, settings)
        pre_cpu += cpu_seconds() - cpu
    text = "\n".join(line.text for line in result.lines) if result else ""
    raw_text, text = normalize_text(raw_text), normalize_text(text)
    return PageResult(
        page=page,
        raw_chars=edit_counts(gt, raw_text), raw_words=word_counts(gt, raw_text), raw_lost=words_lost(gt, raw_text),
        chars=edit_counts(gt, text), chars_folded=edit_counts(fold_typography(gt), fold_typography(text)),
        words=word_counts(gt, text), lost=words_lost(gt, text),
        skew_found=report.skew_angle, orientation_found=report.orientation.angle,
        preprocess_seconds=report.seconds, raw_ocr_seconds=raw_seconds, ocr_seconds=seconds,
        preprocess_cpu=pre_cpu, ocr_cpu=ocr_cpu,
    )


def run_bench(
    root: Path,
    settings: PreprocessSettings | None = None,
    psm: int = 4,
    lang: str = "eng",
    lang_hint: bool = True,
    raw: bool = True,
    select: Callable[[BenchPage], bool] | None = None,
    progress: Callable[[PageResult], None] | None = None,
) -> list[PageResult]:
    """Benchmark every page (in order; an unreadable page raises, naming its file)."""
    settings = settings or PreprocessSettings()
    one_thread_per_page()  # as a run's pages do
    results = []
    for page in load_pages(root, lang):
        if select and not select(page):
            continue
        result = bench_page(root, page, settings, psm, lang_hint, raw)
        results.append(result)
        if progress:
            progress(result)
    return results


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def _median(xs: Iterable[float]) -> float:
    values = list(xs)
    return statistics.median(values) if values else float("nan")


def _row(label: str, rs: list[PageResult], raw: bool) -> list[str]:
    skew = [r.skew_error for r in rs if r.skew_error is not None]
    orient = [r.orientation_right for r in rs if r.orientation_right is not None]
    ocr_cpu = sum(r.ocr_cpu for r in rs)
    cells = [label, str(len(rs))]
    if raw:
        cells += [_pct(_median(r.raw_chars.rate for r in rs)), _pct(sum((r.raw_chars for r in rs), EditCounts()).rate),
                  _pct(_median(r.raw_words.rate for r in rs)), _pct(_median(r.raw_lost for r in rs))]
    cells += [
        _pct(_median(r.chars.rate for r in rs)), _pct(max(r.chars.rate for r in rs)),
        _pct(sum((r.chars for r in rs), EditCounts()).rate),
        _pct(_median(r.chars_folded.rate for r in rs)), _pct(max(r.chars_folded.rate for r in rs)),
        _pct(_median(r.words.rate for r in rs)), _pct(_median(r.lost for r in rs)),
        f"{max(skew):.3f}" if skew else "-",
        f"{sum(orient)}/{len(orient)}" if orient else "-",
        f"{_median(r.preprocess_seconds for r in rs):.2f}",
        f"{_median(r.ocr_seconds for r in rs):.2f}",
        f"{_median(r.preprocess_cpu for r in rs):.2f}",
        f"{_median(r.ocr_cpu for r in rs):.2f}",
        f"{100 * sum(r.preprocess_cpu for r in rs) / max(ocr_cpu, 1e-9):.1f}",
    ]
    return cells


def format_table(results: list[PageResult], raw: bool = True) -> str:
    """Per language × level rows plus an overall row.

    Rates are percent, medians per page unless named: CERmax is the worst page, CERsum the pooled rate
    (summed edits over summed length), CERf/CERfmax the same with typographic look-alikes folded
    (`fold_typography`), lost the share of ground-truth words missing from the output.
    Seconds are medians per page, wall clock (pre_s, ocr_s) and CPU (pre_cpu, ocr_cpu, Tesseract included);
    pre%ocr is total preprocessing CPU over total OCR CPU.
    """
    head = ["lang/level", "pages"]
    if raw:
        head += ["rawCER", "rawCERsum", "rawWER", "rawLost"]
    head += ["CER", "CERmax", "CERsum", "CERf", "CERfmax", "WER", "lost", "skewErrMax", "orient",
             "pre_s", "ocr_s", "pre_cpu", "ocr_cpu", "pre%ocr"]
    groups: dict[str, list[PageResult]] = {}
    for r in results:
        groups.setdefault(f"{r.page.language}/{r.page.level}", []).append(r)
    rows = [_row(k, v, raw) for k, v in sorted(groups.items())]
    if len(groups) > 1:
        rows.append(_row("all", results, raw))
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]]
    return "\n".join(lines)


def quality_bench(
    root: Path,
    settings: PreprocessSettings | None = None,
    psm: int = 4,
    lang: str = "eng",
    lang_hint: bool = True,
    progress: Callable[[PageResult], None] | None = None,
) -> str:
    """Run the benchmark over a sample set or a folder with .gt.txt files and return the table."""
    return format_table(run_bench(root, settings, psm, lang, lang_hint, progress=progress))
