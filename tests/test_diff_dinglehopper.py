"""Cross-check our CER/WER against dinglehopper (OCR-D's evaluation tool) on Russian, Armenian and English.

dinglehopper also compares NFC grapheme clusters with lines joined by "\\n", so the two must agree to
within 0.1 percentage points. Its file readers additionally fold a few "equivalent" characters (em dash to
en dash, ’ to '); the file-level texts here avoid those, since we deliberately count them as errors.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from dinglehopper.character_error_rate import character_error_rate
from dinglehopper.ocr_files import page_extract, plain_extract
from dinglehopper.word_error_rate import word_error_rate, words_normalized
from lxml import etree
from test_diff_sources import write_run

from scan2text.diff.batch import compare
from scan2text.diff.metrics import cer, wer
from scan2text.diff.sources import GroundTruthSource, PageXmlSource, RunFolderSource

pytestmark = pytest.mark.unit

TOLERANCE = 0.001  # 0.1 percentage points


def dinglehopper_wer(reference: str, hypothesis: str) -> float:
    # word_error_rate(str, str) is ambiguous under multimethod 2.x; its list overload is not
    return word_error_rate(list(words_normalized(reference)), list(words_normalized(hypothesis)))


RUS = [
    "ТЕЛЕГРАММА МИНИСТРА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ",
    "Правительству Азербайджанской Республики",
    "Ереван, 3 мая 1920 г.",
    "Сообщаю, что части, находящиеся в районе Зангезура, получили приказ",
    "прекратить всякие военные действия. Ёлки и ели растут.",
    "Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об. Машинопись.",
]
HYE = [
    "ՀԵՌԱԳԻՐ ՀԱՅԱՍՏԱՆԻ ԱՐՏԱՔԻՆ ԳՈՐԾԵՐԻ ՆԱԽԱՐԱՐԻՑ",
    "Հայաստանի կառավարությանը",
    "Երևան, 1920 թ. մայիսի 3",
    "Հայտնում եմ, որ Զանգեզուրի շրջանում գտնվող զորամասերը հրաման են ստացել",
    "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 271, թ. 213–214։ Մեքենագիր։",
]
ENG = [
    "Telegram from the Minister of Foreign Affairs of Armenia",
    "To the Government of Azerbaijan",
    "Yerevan, May 3, 1920",
    "I have the honour to inform you that the units in the Zangezur district",
    "Source: Central State Historical Archive of Armenia, Fund 200, Inventory 1, File 271.",
]

_LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "К": "K", "М": "M",
              "Н": "H", "Т": "T", "В": "B", "։": ":", "օ": "o"}  # fmt: skip


def ocr_noise(lines: list[str], seed: int, rate: float = 0.04) -> list[str]:
    """Typical typescript OCR damage: look-alikes, lost and doubled letters, split words, merged lines."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in lines:
        chars: list[str] = []
        for ch in line:
            r = rng.random()
            if r < rate and ch in _LOOKALIKE:
                chars.append(_LOOKALIKE[ch])
            elif r < rate * 1.5:
                continue
            elif r < rate * 2:
                chars.append(ch + ch)
            elif r < rate * 2.3:
                chars.append(ch + " ")
            else:
                chars.append(ch)
        noisy = "".join(chars).strip()
        if out and rng.random() < 0.15:
            out[-1] += " " + noisy
        else:
            out.append(noisy)
    return out


PAIRS = [
    ("\n".join(text), "\n".join(ocr_noise(text, seed)))
    for seed, text in enumerate([RUS, HYE, ENG, RUS + HYE + ENG, RUS[:2], HYE[2:]])
] + [
    ("Cafe\u0301 № 314 — «ТЕЛЕГРАММА»", "Café № 314 – «TEЛEГPAMMA»"),
    ("Երևան։ Ереван: Yerevan.", "Երևան: Epeван; Yerevan"),
    ("", ""),
    ("абв", "абв"),
]


@pytest.mark.parametrize(("ref", "hyp"), PAIRS)
def test_cer_and_wer_match_dinglehopper_on_strings(ref: str, hyp: str) -> None:
    ours, theirs = cer(ref, hyp), character_error_rate(ref, hyp)
    assert abs(ours - theirs) <= TOLERANCE, f"CER ours {ours:.4%} vs dinglehopper {theirs:.4%}"
    ours_w, theirs_w = wer(ref, hyp), dinglehopper_wer(ref, hyp)
    assert abs(ours_w - theirs_w) <= TOLERANCE, f"WER ours {ours_w:.4%} vs dinglehopper {theirs_w:.4%}"


def test_noise_generator_makes_real_errors() -> None:
    # guard: the cross-check is only meaningful if the hypotheses are actually wrong
    rates = [cer(ref, hyp) for ref, hyp in PAIRS[:6]]
    assert all(0.01 < r < 0.3 for r in rates), rates


@pytest.fixture(scope="module")
def gt_and_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("dh")
    texts = {"rus/0001": RUS, "hye/0002": HYE, "eng/0003": ENG, "mix/0004": RUS[3:] + HYE[:2] + ENG[1:3]}
    gt_dir = root / "gt"
    for stem, lines in texts.items():
        path = gt_dir / f"{stem}.gt.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = root / "run"
    write_run(run, {stem: ocr_noise(lines, seed=10 + i) for i, (stem, lines) in enumerate(texts.items())})
    return gt_dir, run, texts


def test_page_cer_matches_dinglehopper_on_files(gt_and_run: tuple[Path, Path, dict[str, list[str]]]) -> None:
    gt_dir, run, texts = gt_and_run
    batch = compare(GroundTruthSource(gt_dir), RunFolderSource(run))
    assert {p.page_id for p in batch.pages} == set(texts)
    total_edits = total_len = 0
    for page in batch.pages:
        ref = plain_extract(str(gt_dir / f"{page.page_id}.gt.txt"), encoding="utf-8")
        hyp = plain_extract(str(run / "pages" / f"{page.page_id}.txt"), encoding="utf-8")
        theirs = character_error_rate(ref, hyp)
        assert abs(page.cer - theirs) <= TOLERANCE, f"{page.page_id}: ours {page.cer:.4%} vs {theirs:.4%}"
        assert page.cer > 0.01
        assert abs(page.wer - dinglehopper_wer(ref.text, hyp.text)) <= TOLERANCE
        total_edits += round(theirs * len(ref.grapheme_clusters))
        total_len += len(ref.grapheme_clusters)
    # batch CER is total edits over total reference characters, as dinglehopper's counts give it
    assert abs(batch.cer - total_edits / total_len) <= TOLERANCE


def _page_xml(lines: list[str], image: str) -> bytes:
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
    root = etree.Element(f"{{{ns}}}PcGts", nsmap={None: ns})
    page = etree.SubElement(root, f"{{{ns}}}Page", imageFilename=image, imageWidth="1000", imageHeight="1000")
    region = etree.SubElement(page, f"{{{ns}}}TextRegion", id="r1")
    etree.SubElement(region, f"{{{ns}}}Coords", points="0,0 1000,0 1000,1000 0,1000")
    for i, text in enumerate(lines):
        line = etree.SubElement(region, f"{{{ns}}}TextLine", id=f"r1_l{i}")
        etree.SubElement(line, f"{{{ns}}}Coords", points=f"10,{10 + 30 * i} 900,{10 + 30 * i} 900,{34 + 30 * i}")
        etree.SubElement(etree.SubElement(line, f"{{{ns}}}TextEquiv"), f"{{{ns}}}Unicode").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_page_xml_ground_truth_matches_dinglehopper(
    gt_and_run: tuple[Path, Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    _, run, texts = gt_and_run
    for stem, lines in texts.items():
        path = tmp_path / f"{stem.replace('/', '_')}.xml"
        path.write_bytes(_page_xml(lines, f"{stem}.png"))
    batch = compare(PageXmlSource(tmp_path), RunFolderSource(run))
    assert sorted(p.page_id for p in batch.pages) == sorted(texts)  # matched through imageFilename
    for page in batch.pages:
        ref = page_extract(etree.parse(str(tmp_path / f"{page.page_id.replace('/', '_')}.xml")), textequiv_level="line")
        hyp = plain_extract(str(run / "pages" / f"{page.page_id}.txt"), encoding="utf-8")
        theirs = character_error_rate(ref, hyp)
        assert abs(page.cer - theirs) <= TOLERANCE, f"{page.page_id}: ours {page.cer:.4%} vs {theirs:.4%}"


def _sample_gt() -> list[Path]:
    root = Path(__file__).resolve().parent.parent / "samples"
    return sorted(root.rglob("*.gt.txt"))[:40] if root.is_dir() else []


@pytest.mark.skipif(not _sample_gt(), reason="samples/ has no *.gt.txt ground truth yet")
def test_cer_matches_dinglehopper_on_project_samples() -> None:
    worst = 0.0
    for i, path in enumerate(_sample_gt()):
        ref = path.read_text(encoding="utf-8")
        hyp = "\n".join(ocr_noise([ln for ln in ref.splitlines() if ln.strip()], seed=i))
        ref = "\n".join(ln.strip() for ln in ref.splitlines() if ln.strip())
        diff = abs(cer(ref, hyp) - character_error_rate(ref, hyp))
        worst = max(worst, diff)
        assert diff <= TOLERANCE, f"{path}: ours {cer(ref, hyp):.4%} vs {character_error_rate(ref, hyp):.4%}"
    assert worst <= TOLERANCE
