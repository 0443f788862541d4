"""Preprocess stage: deskew, orientation, borders, specks, scale, the report's geometry, switches.

Pages are rendered with the sample generator's typewriter renderer at small sizes; geometry is applied with
its `skew_page`/`turn_page`, whose conventions are the report's (counter-clockwise deskew angle, clockwise
turn to upright).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from scan2text.errors import PreprocessError
from scan2text.ocr.orientation import decide_up_down
from scan2text.preprocess import borders, preprocess
from scan2text.preprocess.binarize import background_spread, percentile_u8
from scan2text.settings import PreprocessSettings
from scan2text_tools.samplegen import degrade, render_page, skew_page, turn_page

ENG = [
    "TELEGRAM FROM THE MINISTER OF FOREIGN AFFAIRS",
    "Yerevan, May 3, 1920",
    "The Government of Armenia has the honour to inform you that",
    "on the night of May 2 the troops crossed the border near the",
    "village and occupied the heights above the river. We request",
    "immediate assistance, food and arms for the population of the",
    "district, which is in great distress. No. 2800.",
    "The Minister of Foreign Affairs",
]
RUS = [
    "ТЕЛЕГРАММА МИНИСТРА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ",
    "Ереван, 3 мая 1920 г.",
    "Правительство Армении имеет честь сообщить, что в ночь на",
    "2 мая войска противника перешли границу у селения и заняли",
    "высоты над рекой. Просим оказать немедленную помощь",
    "продовольствием и оружием населению уезда, находящемуся",
    "в тяжёлом положении. № 2800.",
    "Министр иностранных дел",
]
HYE = [
    "ՀԵՌԱԳԻՐ ՀԱՅԱՍՏԱՆԻ ԱՐՏԱՔԻՆ ԳՈՐԾԵՐԻ ՆԱԽԱՐԱՐԻՑ",
    "Երևան, 1920 թ. մայիսի 3",
    "Հայաստանի կառավարությունը պատիվ ունի հայտնելու, որ",
    "մայիսի 2-ի գիշերը թշնամու զորքերը անցել են սահմանը",
    "գյուղի մոտ և գրավել բարձունքները։ Խնդրում ենք անհապաղ",
    "օգնություն ցույց տալ գավառի բնակչությանը։ № 2800։",
    "Արտաքին գործերի նախարար",
]
NO_OCR = PreprocessSettings(orientation=False)


def page(lines: list[str], lang: str, dpi: int = 150, height_in: float = 4.0) -> np.ndarray:
    return render_page(lines, lang, dpi=dpi, seed=3, top_in=0.6, left_in=0.7, height_in=height_in)


@pytest.fixture(scope="module")
def eng_page() -> np.ndarray:
    return page(ENG, "eng")


@pytest.fixture(scope="module")
def scanned(eng_page: np.ndarray) -> tuple[np.ndarray, float]:
    """A mildly degraded scan (dark bed border, uneven light, dust) with a known skew."""
    scan, info = degrade(eng_page, "mild", np.random.default_rng(11), skew=-3.3, dpi=150)
    return scan, info.skew


# --- deskew ---------------------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("angle", [-9.6, -4.35, -0.6, 0.25, 2.8, 7.9])
def test_deskew_finds_the_angle_within_a_tenth_of_a_degree(eng_page: np.ndarray, angle: float) -> None:
    _, report = preprocess(skew_page(eng_page, angle), NO_OCR)
    assert report.skew_angle == pytest.approx(angle, abs=0.1)


@pytest.mark.unit
def test_deskew_on_a_degraded_scan_with_a_dark_border(scanned: tuple[np.ndarray, float]) -> None:
    scan, skew = scanned
    _, report = preprocess(scan, NO_OCR)
    assert report.skew_angle == pytest.approx(skew, abs=0.1)


@pytest.mark.unit
def test_deskew_on_a_short_page_with_a_signature_and_a_stamp() -> None:
    img = page(ENG[2:5], "eng", height_in=3.0)
    rng = np.random.default_rng(5)
    # a scrawled signature and a round stamp, both bigger and more slanted than any typed line
    pts = np.cumsum(rng.normal(0, 9, (40, 2)), axis=0) + np.array([260, 330])
    cv2.polylines(img, [pts.astype(np.int32)], False, 40, 3)
    cv2.circle(img, (560, 330), 70, 60, 4)
    cv2.putText(img, "APPROVED", (500, 338), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 60, 2)
    _, report = preprocess(skew_page(img, 5.2), NO_OCR)
    assert report.skew_angle == pytest.approx(5.2, abs=0.1)


# --- orientation ----------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(("lang", "rotation"), [("eng", 180), ("rus", 180), ("hye", 180), ("eng", 90), ("rus", 270)])
def test_turned_pages_are_turned_upright(lang: str, rotation: int) -> None:
    lines = {"eng": ENG, "rus": RUS, "hye": HYE}[lang]
    scan = turn_page(skew_page(page(lines, lang), 1.5), rotation)
    _, report = preprocess(scan, PreprocessSettings(), lang, read_up_down=decide_up_down)
    assert report.orientation.angle == rotation
    assert report.skew_angle == pytest.approx(1.5, abs=0.1)


@pytest.mark.unit
@pytest.mark.parametrize("lang", ["eng", "rus", "hye"])
def test_upright_pages_stay_upright_in_every_language(lang: str) -> None:
    lines = {"eng": ENG, "rus": RUS, "hye": HYE}[lang]
    _, report = preprocess(page(lines, lang), PreprocessSettings(), lang, read_up_down=decide_up_down)
    assert report.orientation.angle == 0


@pytest.mark.integration
def test_upright_armenian_page_is_not_turned_when_read_without_a_language_hint() -> None:
    # three lines: too few for the layout test, so the reading decides, with all three languages
    short = page(HYE[2:5], "hye", height_in=2.0)
    _, report = preprocess(short, PreprocessSettings(), None, read_up_down=decide_up_down)
    assert report.orientation.angle == 0
    assert report.orientation.method == "reading"


@pytest.mark.integration
def test_upright_low_resolution_latin_page_is_not_turned() -> None:
    low = page(ENG[2:6], "eng", dpi=100, height_in=2.5)  # x-height ~6 px, where OSD guesses 180°
    _, report = preprocess(low, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    assert report.orientation.angle == 0


# --- borders, specks ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_dark_scan_bed_border_is_removed(scanned: tuple[np.ndarray, float]) -> None:
    scan, _ = scanned
    sides = [scan[:6], scan[-6:], scan[:, :6], scan[:, -6:]]
    assert max((side < 80).mean() for side in sides) > 0.8, "the fixture should have a dark border"
    cleaned, report = preprocess(scan, NO_OCR)
    frame = np.concatenate([cleaned[:8].ravel(), cleaned[-8:].ravel(), cleaned[:, :8].ravel(), cleaned[:, -8:].ravel()])
    assert (frame == 0).mean() < 0.01
    assert report.crop is not None
    assert any(step.startswith("borders") for step in report.steps)


@pytest.mark.unit
@pytest.mark.parametrize("flatten", [True, False])
def test_punch_holes_are_removed(eng_page: np.ndarray, flatten: bool) -> None:
    img = eng_page.copy()
    holes = [(45, 200), (45, 420)]  # 6 mm holes in the left margin, showing a dark scanner lid
    for x, y in holes:
        cv2.circle(img, (x, y), 18, 35, -1)
    settings = PreprocessSettings(orientation=False, deskew=False, normalize_light=flatten, binarize="sauvola")
    cleaned, report = preprocess(img, settings)
    m = np.array(report.to_original)
    ys, xs = np.nonzero(cleaned < 128)
    ox, oy = m @ np.stack([xs, ys, np.ones(xs.size)])
    for x, y in holes:
        assert not ((np.abs(ox - x) < 20) & (np.abs(oy - y) < 20)).any()


@pytest.mark.unit
def test_punctuation_survives_while_isolated_specks_go() -> None:
    line = ["No. 5, a.b. c; d: e, f. « № 24 » Երևան։ ա, բ։"]
    img = render_page(line, "hye", dpi=200, seed=1, top_in=0.8, left_in=0.8, height_in=2.5)
    img = img[:, : img.shape[1] // 2 + 300].copy()
    specks = [(60, 60), (img.shape[1] - 80, 90), (150, img.shape[0] - 60), (img.shape[1] - 70, img.shape[0] - 50)]
    for x, y in specks:
        cv2.circle(img, (x, y), 2, 30, -1)
    for binarize in ("none", "sauvola"):
        settings = PreprocessSettings(
            orientation=False, deskew=False, remove_borders=False, rescale=False, binarize=binarize
        )
        with_specks, report = preprocess(img, settings)
        without, _ = preprocess(img, settings.model_copy(update={"despeckle": False}))
        ink_line = (without < 128)[120:260]  # the typed line: every component of it must still be there
        n_before = cv2.connectedComponents(ink_line.astype(np.uint8))[0]
        n_after = cv2.connectedComponents((with_specks < 128)[120:260].astype(np.uint8))[0]
        assert n_after == n_before, binarize
        for x, y in specks:
            assert (without[y - 3 : y + 4, x - 3 : x + 4] < 128).any(), "speck should be visible before despeckling"
            assert (with_specks[y - 3 : y + 4, x - 3 : x + 4] == 255).all(), binarize
        assert any("despeckle: " in s for s in report.steps)


@pytest.mark.unit
def test_scan_bed_traced_from_the_edges_is_the_bed_of_the_whole_page_labelling(monkeypatch) -> None:
    page = np.full((600, 400), 220, np.uint8)
    page[:, :40] = 20  # a bed border down the left side
    page[560:, 150:400] = 30  # and along the bottom
    for x in range(60, 380, 40):  # dark blocks cut by the top edge, like letters cut by the frame: not bed
        page[:16, x : x + 24] = 10
    page[300:320, 200:260] = 0  # dark, but away from the edges
    traced = borders.scan_bed_mask(page, 220, 10.0)
    monkeypatch.setattr(borders, "_MOST_FILLED", 0)
    labelled = borders.scan_bed_mask(page, 220, 10.0)
    assert np.array_equal(traced, labelled)
    assert traced[300, 10] and traced[590, 300] and not traced[2, 70] and not traced[310, 230]


@pytest.mark.unit
@pytest.mark.parametrize("xheight", [20.0, 10.0])  # examined at half size, and at full size
def test_specks_painted_box_by_box_are_the_specks_of_the_whole_label_image(monkeypatch, xheight: float) -> None:
    # Odd page sizes and specks in the last row and column: the half-size mask is scaled back with them.
    rng = np.random.default_rng(3)
    page = np.full((401, 303), 255, np.uint8)
    cv2.putText(page, "Fund 200", (20, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    for x, y in rng.integers(0, 300, (40, 2)):
        page[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = rng.integers(0, 100)
    for x, y in [(299, 148), (150, 397), (299, 397)]:  # 4 px dots reaching the odd last column or row
        page[y : y + 4, x : x + 4] = 40
    one_by_one, count = borders.speck_mask(page, xheight, 128)
    monkeypatch.setattr(borders, "_SPECKS_ONE_BY_ONE", 0)
    whole, count_whole = borders.speck_mask(page, xheight, 128)
    assert count == count_whole > 20
    assert one_by_one is not None and np.array_equal(one_by_one, whole)
    assert one_by_one[400, 302] == one_by_one[400, 152] == 255


@pytest.mark.unit
def test_despeckle_keeps_every_dot_on_a_text_line_and_takes_the_dust_away_from_it() -> None:
    # A faint typewriter's "p" and "g" lose their tails into separate specks just below the letter: taking
    # them turned "paragraphs" into "neragranhs" on real pages. Dust far from the text still goes.
    page = np.full((300, 600), 255, np.uint8)
    cv2.putText(page, "paragraphs", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    tails = [(60, 112), (250, 113), (400, 111)]  # (x, y): 2x2 px bits just under the baseline
    for x, y in tails:
        page[y : y + 2, x : x + 2] = 0
    page[250:252, 300:302] = 0  # dust, far below the line
    mask, count = borders.speck_mask(page, 20.0, 128)
    assert count == 1 and mask is not None
    assert mask[250, 300] == 255
    assert all(mask[y, x] == 0 for x, y in tails)


# --- scale, geometry ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_type_is_resized_only_out_of_tesseracts_reach() -> None:
    # FreeMono's x-height is ~0.42 em: 12 pt is ~10.5 px at 150 DPI, ~21 px at 300, ~42 px at 600
    settings = PreprocessSettings(orientation=False, target_xheight=24, min_xheight=12, max_upscale=None)
    _, small = preprocess(page(ENG, "eng", dpi=150), settings)
    _, usual = preprocess(page(ENG, "eng", dpi=300, height_in=3.5), settings)
    _, large = preprocess(page(ENG, "eng", dpi=600, height_in=2.0), settings)
    assert 10.5 * small.scale == pytest.approx(12, rel=0.15)  # enlarged to the smallest size read well
    assert usual.scale == 1.0  # near the target: copied, not resampled
    assert 42 * large.scale == pytest.approx(24, rel=0.15)  # large type costs pixels and reads no better


@pytest.mark.unit
def test_small_type_is_enlarged_at_most_max_upscale() -> None:
    settings = PreprocessSettings(orientation=False, min_xheight=24, max_upscale=1.5)
    _, small = preprocess(page(ENG, "eng", dpi=150), settings)  # x-height ~10.5 px: 24 would need x2.3
    assert small.scale == pytest.approx(1.5, abs=0.001)


def _edge_steepness(img: np.ndarray) -> float:
    """Median gradient along the page's edges: how abruptly its strokes go from paper to ink."""
    grad = np.hypot(cv2.Sobel(img, cv2.CV_32F, 1, 0), cv2.Sobel(img, cv2.CV_32F, 0, 1))
    return float(np.median(grad[grad > 20]))


@pytest.mark.unit
def test_a_strong_enlargement_keeps_stroke_edges_sharp() -> None:
    scan = page(ENG, "eng", dpi=75)  # FreeMono's x-height ~5 px: enlarged x2
    cubic, report = preprocess(scan, PreprocessSettings(orientation=False))
    linear, plain = preprocess(scan, PreprocessSettings(orientation=False, sharp_upscale_from=None))
    assert report.scale == plain.scale == pytest.approx(2.0, abs=0.001)
    assert any("bicubic" in step for step in report.steps) and not any("bicubic" in step for step in plain.steps)
    # bilinear enlargement smears each edge into a ramp as wide as the factor; bicubic keeps it steeper
    assert _edge_steepness(cubic) > 1.1 * _edge_steepness(linear)
    # a mild enlargement stays bilinear (bicubic's overshoot on JPEG noise cost words on a real 72 DPI letter)
    _, mild = preprocess(page(ENG, "eng", dpi=125), PreprocessSettings(orientation=False))
    assert 1.0 < mild.scale < 1.5 and not any("bicubic" in step for step in mild.steps)


def _ring_centre(img: np.ndarray, diameter: float) -> np.ndarray:
    """Centre of the hollow ring marker: the one component of about its size with an empty middle."""
    ink = (img < 128).astype(np.uint8)
    _, _, stats, cents = cv2.connectedComponentsWithStats(ink)
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    ring = (np.abs(w - diameter) < 0.2 * diameter) & (np.abs(h - diameter) < 0.2 * diameter) & (area < 0.5 * w * h)
    ring[0] = False
    assert ring.sum() == 1
    return cents[np.flatnonzero(ring)[0]]


def _scan_point(x: float, y: float, shape: tuple[int, ...], skew: float, rotation: int) -> np.ndarray:
    """Where a point of the upright page lands after skew_page (rotate_bound by -skew) and turn_page."""
    h, w = shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    px, py = m @ [x, y, 1.0]
    for _ in range(rotation // 90):  # np.rot90 turns counter-clockwise: (x, y) -> (y, width-1-x)
        px, py, nw, nh = py, nw - 1 - px, nh, nw
    return np.array([px, py])


@pytest.mark.unit
@pytest.mark.parametrize(("rotation", "skew"), [(0, -2.7), (90, 4.1)])
def test_to_original_maps_cleaned_pixels_back_to_the_scan(eng_page: np.ndarray, rotation: int, skew: float) -> None:
    marked = eng_page.copy()
    cv2.circle(marked, (600, 140), 12, 20, 2)  # right of the short date line, clear of any letter
    scan = turn_page(skew_page(marked, skew), rotation)
    cleaned, report = preprocess(scan, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    m = np.array(report.to_original)
    x, y = _ring_centre(cleaned, 26 * report.scale)
    mapped = m @ np.array([x, y, 1.0])
    assert mapped == pytest.approx(_scan_point(600, 140, marked.shape, skew, rotation), abs=1.5)
    # and ink maps to ink across the page (within a pixel: the cleaned strokes are upscaled and bolder)
    ys, xs = np.nonzero(cleaned < 100)
    pick = np.random.default_rng(0).choice(xs.size, 400, replace=False)
    ox, oy = (m @ np.stack([xs[pick], ys[pick], np.ones(400)])).round().astype(int)
    assert (cv2.erode(scan, np.ones((3, 3), np.uint8))[oy, ox] < 200).mean() > 0.97


# --- switches, input ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_switched_off_steps_do_not_run(eng_page: np.ndarray) -> None:
    scan = turn_page(skew_page(eng_page, 3.0), 180)
    off = PreprocessSettings(orientation=False, deskew=False, remove_borders=False, rescale=False,
                             binarize="none", despeckle=False, normalize_light=False)
    cleaned, report = preprocess(scan, off)
    assert report.orientation.angle == 0 and report.skew_angle == 0.0
    assert report.crop is None and report.scale == 1.0
    assert report.steps == [] or all(s.startswith(("binarize: none", "survey")) for s in report.steps)
    assert cleaned.shape == scan.shape
    assert np.array_equal(cleaned, scan)  # nothing ran: same pixels
    binary, report = preprocess(scan, PreprocessSettings(orientation=False, deskew=False, binarize="sauvola"))
    assert set(np.unique(binary)) <= {0, 255}
    assert report.skew_angle == 0.0 and not any(s.startswith("deskew") for s in report.steps)


@pytest.mark.unit
def test_colour_input_and_errors(eng_page: np.ndarray) -> None:
    bgr = cv2.cvtColor(eng_page, cv2.COLOR_GRAY2BGR)
    cleaned, report = preprocess(bgr, NO_OCR)
    assert cleaned.ndim == 2 and cleaned.dtype == np.uint8
    assert report.seconds > 0
    with pytest.raises(PreprocessError):
        preprocess(np.zeros((0, 0), np.uint8), NO_OCR)
    blank, report = preprocess(np.full((300, 200), 255, np.uint8), NO_OCR)
    assert blank.shape == (300, 200) and report.skew_angle == 0.0


@pytest.mark.unit
def test_broken_strokes_of_a_low_resolution_scan_are_not_taken_for_the_x_height() -> None:
    from scan2text.preprocess.scale import height_floor, xheight

    # a 72 DPI page: letters 9 px high, capitals 12, and a pile of 5 px stroke fragments
    rng = np.random.default_rng(0)
    heights = np.concatenate([rng.normal(9, 0.3, 390), rng.normal(12, 0.3, 120), rng.normal(5, 0.3, 260)])
    assert abs(xheight(heights, 9.0, floor=height_floor(9.0)) - 9) < 0.5
    # on a sharp scan the same proportions are real letters (an Armenian line dense with capitals)
    assert height_floor(24.0) < 0.58


@pytest.mark.unit
@pytest.mark.parametrize("q", [0, 10, 50, 90, 99.9, 100])
def test_histogram_percentile_matches_numpy(q: float) -> None:
    rng = np.random.default_rng(2)
    for values in (rng.integers(0, 256, (301, 257), dtype=np.uint8), np.full((5, 7), 200, np.uint8),
                   (rng.random((400, 300)) ** 6 * 255).astype(np.uint8)[::3, ::2]):  # a strided sample too
        assert percentile_u8(values, q) == pytest.approx(float(np.percentile(values, q)), abs=1e-9)


@pytest.mark.integration
def test_only_a_page_with_uneven_paper_is_flattened(eng_page: np.ndarray) -> None:
    # An evenly lit scan reads better as it is (the black-hat hollows out small or blurred type); stains and
    # uneven light are what the flattening is for.
    even, _ = degrade(eng_page, "mild", np.random.default_rng(3), skew=0.0, dpi=96)
    uneven, _ = degrade(eng_page, "hard", np.random.default_rng(3), skew=0.0)
    _, kept = preprocess(even, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    _, flat = preprocess(uneven, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    assert any(step.startswith("background: even") for step in kept.steps), kept.steps
    assert any(step.startswith("background: flattened") for step in flat.steps), flat.steps


@pytest.mark.unit
def test_background_spread_measures_light_not_letters(eng_page: np.ndarray) -> None:
    ramp = np.linspace(0.65, 1.0, eng_page.shape[1], dtype=np.float32)[None, :]  # light falling off across the page
    lit = (eng_page.astype(np.float32) * ramp).astype(np.uint8)
    assert background_spread(eng_page, 22) < 5  # black type on white: the letters do not count
    assert background_spread(lit, 22) > 40
