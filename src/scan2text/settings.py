"""One settings model for every stage; a run records the settings that produced it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scan2text.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def fingerprint(self) -> str:
        """Short hash of the values, used to key cached stage results."""
        return _digest(self.model_dump(mode="json"))


def _digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


class PreprocessSettings(_Section):
    orientation: bool = True
    deskew: bool = True
    max_skew: float = Field(10.0, gt=0, le=45, description="Largest skew searched, degrees")
    min_skew_drift: float = Field(
        0.5, ge=0, description="A skew whose lines drift less than this across the text, in x-heights, is left as "
        "scanned: Tesseract follows it, and a rotation resamples (blurs) every letter",
    )
    remove_borders: bool = True
    crop_margin: float = Field(2.0, ge=0, description="White margin kept around the text after cropping, in x-heights")
    normalize_light: bool = Field(
        True, description="Flatten the background (uneven light, stains, show-through) and darken faded ink, on "
        "pages whose paper level varies by flatten_min_spread or more"
    )
    flatten_min_spread: float = Field(
        16.0, ge=0, le=255,
        description="Flatten only a page whose paper level varies by this many grey levels or more (uneven light, "
        "stains); an evenly lit page reads better as scanned (measured: real scans 0-11, hard samples 22-39)",
    )
    stroke_width: float = Field(
        0.5, gt=0, description="Widest dark structure kept as ink by the flattening, in x-heights"
    )
    ink_floor: float = Field(
        0.1, ge=0, lt=1,
        description="Ink fainter than this share of the darkest strokes is dropped (show-through, paper grain)"
    )
    binarize: Literal["sauvola", "otsu", "none"] = Field(
        "none", description="'none' hands Tesseract the flattened greyscale page, which it reads best (measured)"
    )
    sauvola_window: int = Field(31, ge=3, description="Odd, in pixels")
    sauvola_k: float = Field(0.2, ge=0, le=1)
    despeckle: bool = True
    rescale: bool = True
    target_xheight: int = Field(
        22, ge=8, le=200,
        description="Larger type is reduced to this x-height in pixels, which Tesseract reads as well and in fewer "
        "pixels (measured)",
    )
    min_xheight: float = Field(
        12.0, ge=1, le=200,
        description="Smaller type is enlarged to this x-height in pixels: Tesseract takes letters under 10 px "
        "(its textord_min_xheight) for noise; larger enlargements only cost time (measured on real pages)",
    )
    keep_size_within: float = Field(
        1.25, ge=1,
        description="Type within this factor of target_xheight keeps its size: resampling blurs every letter "
        "and saves little",
    )
    max_upscale: float | None = Field(
        2.0, ge=1,
        description="Small type is enlarged at most this much (blurred strokes of a 72-96 DPI scan grow with "
        "it); unset: no limit",
    )


class OcrSettings(_Section):
    lang: str = Field(
        "auto", pattern=r"^(auto|[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*)$",
        description="'auto' or a Tesseract language spec such as 'rus' or 'rus+eng'",
    )
    psm: int = Field(4, ge=0, le=13, description="Tesseract page segmentation mode (tesseract --help-psm)")
    oem: int = Field(1, ge=0, le=3, description="Tesseract OCR engine mode (tesseract --help-oem)")
    low_conf: float = Field(
        60.0, ge=0, le=101, description="Words below this confidence are flagged for review (101: every word)"
    )
    second_pass_conf: float = Field(
        55.0, ge=0, le=100,
        description="Lines below this mean confidence get a second model")
    wrong_lang_conf: float = Field(
        50.0, ge=0, le=100,
        description="With a fixed --lang, a page read below this mean confidence is checked for its script"
    )
    noise_conf: float = Field(
        50.0, ge=0, le=100,
        description="Lines below this mean confidence whose words are mostly fragments (stamps, handwriting, "
        "specks) are set aside from the text; 0 keeps every line",
    )
    reread_uncovered: bool = Field(
        True,
        description="Read again, on its own, any row of typed-looking ink that no word of the page's reading "
        "covers (a typed line Tesseract's layout took for a picture or a rule); what does not read as text is set "
        "aside with its reason",
    )
    script_models: dict[str, str] = Field(
        {"hye": "Armenian", "rus": "Cyrillic"},
        description="Tesseract's script model tried, per language, on a page its language model reads below "
        "script_model_below; kept only where it reads a sample of the page's lines clearly better (Armenian read "
        "1920s print far better than hye; Latin read English typescripts worse than eng, so it is not tried)",
    )
    script_model_below: float = Field(
        80.0, description="Mean word confidence under which a page's script model is tried (see script_models)"
    )
    hint_accept_conf: float = Field(
        75.0, ge=0, le=100,
        description="With 'auto', a page read with its folder's last language is kept at this mean confidence or "
        "above; below it the page's script is detected (a wrong model reads our pages at 20-55)",
    )
    timeout: float = Field(
        300.0, gt=0,
        description="Seconds one Tesseract reading may take before it is stopped and its page fails (a hung "
        "reading would hold its worker for ever); a typed page takes 1-3 s",
    )
    engine: Literal["pytesseract", "tesserocr"] | None = Field(
        None,
        description="How Tesseract runs: 'pytesseract' starts the tesseract command for each reading; 'tesserocr' "
        "keeps the models loaded in every worker (the extra scan2text[tesserocr]; 7-8% more pages a minute, more "
        "memory). Unset: $SCAN2TEXT_ENGINE, else pytesseract",
    )

    def fingerprint(self) -> str:
        # Both engines run the same Tesseract with the same variables and read the same words, so a finished page
        # stays finished when the engine changes; a page read within its time limit reads the same under another.
        return _digest(self.model_dump(mode="json", exclude={"engine", "timeout"}))


class Settings(_Section):
    preprocess: PreprocessSettings = PreprocessSettings()
    ocr: OcrSettings = OcrSettings()
    workers: int = Field(0, ge=0, description="Parallel page workers; 0 means one per core")
    grammar: str | None = Field(
        None, description="A grammar TOML (header shapes, document types, places, evidence weights) merged over the "
        "default one, see src/scan2text/grammar/default.toml",
    )


def coerce_settings(value: Settings | Mapping[str, Any] | str | None) -> Settings:
    """Settings from what a caller has: the model, its dict or its JSON (a deployment's parameters arrive as
    these), or None for the defaults. ConfigError names every value out of range or unknown."""
    if isinstance(value, Settings):
        return value
    try:
        if isinstance(value, str | bytes):
            return Settings.model_validate_json(value)
        return Settings.model_validate(dict(value or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
