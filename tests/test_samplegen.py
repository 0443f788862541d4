"""The sample generator: deterministic pixels, a committed set that matches its truth, Tesseract-readable type."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from scan2text_tools.samplegen import degrade, gt_lines, page_size, render_page, rotate_bound, skew_page, turn_page
from scan2text_tools.samplegen.build import gt_name, layout
from scan2text_tools.samplegen.plan import STACKS
from scan2text_tools.samplegen.render import MissingGlyphError
from scan2text_tools.samplegen.texts import doc_lines

ROOT = Path(__file__).resolve().parent.parent
SETS = {"mild": ROOT / "samples", "hard": ROOT / "bench" / "hard"}
STRIP_IN = 2.2  # height of the short pages rendered here, inches

LINES = {
    "eng": [
        "     In light of the recent declaration of a Soviet government in",
        "Azerbaijan, and considering that many figures from the former",
        "Musavat government and their supporters continue to arrive in its",
        "",
        "Source: Central State Historical Archive of Armenia, Fund 200,",
        "Inventory 1, File 271, Sheets 213–214. Typescript.",
    ],
    "rus": [
        "     Ввиду объявления в Азербайджане советской власти и принимая",
        "во внимание, что на его территории продолжают оставаться многие",
        "деятели бывшего мусаватского правительства и их сторонники, новое",
        "",
        "Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об.",
        "Машинопись. Подлинник.",
    ],
    "hye": [
        "     Անդրկովկասյան երեք հանրապետությունների կազմավորման ժամանակ",
        "Հայկական Ղարաբաղը, թուրքական արշավանքների հետևանքով կտրված",
        "լինելով Հայաստանից, իրենց ազգային խորհուրդների ղեկավարությամբ",
        "",
        "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 40–41։ Մեքենագիր։",
        "Ելիզավետպոլի գավառում ավերվել են Ղարաչինար, Ենգիքենդ, Մանասբեկ",
    ],
}


def _strip(lang: str, seed: int = 0) -> np.ndarray:
    return render_page(LINES[lang], lang, seed=seed, top_in=0.4, height_in=STRIP_IN)


@pytest.fixture(scope="module", params=sorted(SETS))
def sample_set(request: pytest.FixtureRequest) -> tuple[str, Path, dict]:
    root = SETS[request.param]
    return request.param, root, json.loads((root / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.unit
def test_same_seed_gives_same_pixels_and_another_seed_does_not() -> None:
    a = _strip("rus", seed=3)
    assert np.array_equal(a, _strip("rus", seed=3))
    assert not np.array_equal(a, _strip("rus", seed=4))
    scans = [degrade(a, "hard", np.random.default_rng(11), rotation=90)[0] for _ in range(2)]
    assert np.array_equal(scans[0], scans[1])


@pytest.mark.unit
def test_page_is_a4_at_the_requested_resolution() -> None:
    assert page_size(300) == (2480, 3508)
    img = render_page(["No. 45"], "eng", dpi=200)
    assert img.shape == (2339, 1654) and img.dtype == np.uint8


@pytest.mark.unit
def test_missing_glyph_is_reported_instead_of_drawing_tofu() -> None:
    with pytest.raises(MissingGlyphError, match="FreeMono"):
        render_page(["漢字"], "eng")


@pytest.mark.integration
@pytest.mark.parametrize("lang", sorted(LINES))
def test_clean_typed_strip_reads_back_with_tesseract(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")  # Tesseract's OpenMP threads only fight each other on 2 cores
    text = pytesseract.image_to_string(Image.fromarray(_strip(lang)), lang=lang, config="--psm 6")
    hyp = "\n".join(line for line in text.splitlines() if line.strip())
    ref = "\n".join(gt_lines(LINES[lang]))
    cer = Levenshtein.distance(ref, hyp) / len(ref)
    assert cer < 0.03, f"{lang}: CER {cer:.3f}\n{hyp}"


def _profile_sharpness(img: np.ndarray) -> float:
    """Variance of the row ink sums: high when text lines are horizontal."""
    return float(np.var((255.0 - img).sum(axis=1)))


@pytest.mark.unit
def test_skew_and_rotation_follow_the_truth_conventions() -> None:
    strip = _strip("eng")
    skewed = skew_page(strip, 3.0)
    # Rotating counter-clockwise by the truth skew straightens the text; the other way makes it worse.
    assert _profile_sharpness(rotate_bound(skewed, 3.0)) > 2 * _profile_sharpness(rotate_bound(skewed, -3.0))
    turned = turn_page(strip, 90)
    assert turned.shape == strip.shape[::-1]
    assert np.array_equal(np.rot90(turned, k=-1), strip)  # a clockwise quarter turn makes it upright
    scan, info = degrade(strip, "mild", np.random.default_rng(1), skew=-2.5, rotation=270)
    assert (info.skew, info.rotation) == (-2.5, 270) and scan.shape == strip.shape[::-1]


@pytest.mark.unit
def test_every_listed_page_and_ground_truth_exists(sample_set: tuple[str, Path, dict]) -> None:
    level, root, truth = sample_set
    frames: dict[str, int] = {}
    for page in truth["pages"]:
        image = root / page["image"]
        assert image.is_file(), image
        assert page["level"] == level and page["rotation"] in (0, 90, 180, 270)
        assert abs(page["skew"]) <= (8 if level == "hard" else 4)
        gt = root / page["gt"]
        assert gt.is_file() and gt.read_text(encoding="utf-8").strip(), gt
        frames[page["image"]] = max(frames.get(page["image"], 0), page["frame"] + 1)
        with Image.open(image) as im:
            im.seek(page["frame"])
            w, h = page_size(page["dpi"])
            assert im.mode == "L" and im.size == ((w, h) if page["rotation"] in (0, 180) else (h, w))
    for image, count in frames.items():
        with Image.open(root / image) as im:
            assert getattr(im, "n_frames", 1) == count, image
    listed = {(p["image"], p["frame"]) for p in truth["pages"]}
    for doc in truth["documents"]:
        assert doc["pages"], doc["title"]
        assert {(p["image"], p["frame"]) for p in doc["pages"]} <= listed
        assert doc["cited_source"], doc["title"]


@pytest.mark.unit
def test_committed_ground_truth_matches_the_generator(sample_set: tuple[str, Path, dict]) -> None:
    """samples/ and bench/hard/ are regenerated whenever texts or plans change."""
    level, root, _ = sample_set
    for stack in STACKS[level]:
        for page in layout(stack):
            committed = (root / gt_name(page.spec)).read_text(encoding="utf-8")
            assert committed == "\n".join(gt_lines(page.lines)) + "\n", page.spec.image


@pytest.mark.unit
def test_each_language_has_a_two_page_document_and_a_two_document_page(
    sample_set: tuple[str, Path, dict],
) -> None:
    _, _, truth = sample_set
    for lang in ("eng", "rus", "hye"):
        docs = [d for d in truth["documents"] if d["language"] == lang]
        assert any(len(d["pages"]) >= 2 for d in docs), lang
        per_page: dict[tuple[str, int], int] = {}
        for d in docs:
            for p in d["pages"]:
                per_page[(p["image"], p["frame"])] = per_page.get((p["image"], p["frame"]), 0) + 1
        assert max(per_page.values()) >= 2, lang


@pytest.mark.unit
def test_mild_set_shows_every_header_date_and_citation_form() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SETS["mild"].rglob("*.gt.txt"))
    forms = [
        "No. 45", "№ 314", "№ 21",
        "Yerevan, May 3, 1920", "No. 2800 — May 6, 1920", "May 6–7, 1920", "No later than May 11, 1920",
        "Ереван, 3 мая 1920 г.", "№ 2800 — 6 мая 1920 г.", "03.05.1920", "6–7 мая 1920 г.",
        "Երևան, 1920 թ. մայիսի 3", "№ 2800 — 1920 թ. մայիսի 6",
        "Кому:", "Министру иностранных дел", "նախարարին", "To the Government of Armenia",
        "Sheets 213–214. Typescript.", "Published in:", "Sheet 8 reverse; Central State Archive of Armenia",
        "Sheets 41 and reverse. Original. Typescript.",
        "ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об. Машинопись. Подлинник.",
        "ЦГИА Армении", "НАА", "РГВА", "РГАСПИ", "Заверенная", "Копия",
        "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 41 շրջ.", "Բնագիր", "Պատճեն", "Մեքենագիր",
    ]  # fmt: skip
    flat = " ".join(text.split())
    missing = [form for form in forms if form not in flat]
    assert not missing


@pytest.mark.unit
def test_document_lines_fit_the_typed_width() -> None:
    for stacks in STACKS.values():
        for stack in stacks:
            for doc in stack.docs:
                assert max(len(line) for line in doc_lines(doc)) <= 65, doc.key
