"""Preprocess stage: orientation, deskew, border and speck removal, scaling, binarisation.

    from scan2text.preprocess import preprocess
    cleaned, report = preprocess(image, settings.preprocess, lang_hint="rus")
"""

from scan2text.preprocess.pipeline import preprocess

__all__ = ["preprocess"]
