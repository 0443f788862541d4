"""Which language to try first on a page, learnt from the pages of the batch already read.

An archival file is typed in one language, so the language of a folder's last page is the best guess
for its next one. Read with that guess and confirmed by its confidence, a page needs one Tesseract
pass instead of a script detection and a pass (see `ocr.ocr_page`). A wrong guess costs a whole wasted
pass, so the guesses stop where they keep failing: a folder whose languages change every few pages, or
pages that finish out of order.

While a folder's first page is being read, its next pages would each need a script detection of their
own; `waiting` tells the batch to start pages of other folders first.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from scan2text.ingest import file_folder
from scan2text.models import Page

# A rejected guess wastes a page's reading; a confirmed one saves a script detection, about a third of
# that (measured). Guessing pays while at most a quarter of the recent guesses were wrong.
_RECENT = 12
_MAX_WRONG = 3


def folders(image: str) -> list[str]:
    """The image's folder and those above it, nearest first (a new file folder of the same inventory
    likely shares its neighbours' language). The input root counts only for a flat batch."""
    folder = file_folder(image)
    return [folder] + [str(p) for p in Path(folder).parents if str(p) != "."]


class LanguageHints:
    def __init__(self) -> None:
        self.last: dict[str, str] = {}
        self.given: dict[str, str] = {}
        self.recent: deque[bool] = deque(maxlen=_RECENT)  # was each recent guess right?
        self.detecting: dict[str, list[str]] = {}  # page id → folders, for pages started with no language known

    def paying(self) -> bool:
        return list(self.recent).count(False) <= _MAX_WRONG

    def hint(self, page_id: str, image: str) -> str | None:
        """The language to try first on this page, or None to detect its script.

        A guess is scored even when it is not handed out, so guessing resumes when the batch settles."""
        chain = folders(image)
        guess = next((self.last[f] for f in chain if f in self.last), None)
        if guess is None:
            self.detecting[page_id] = chain
            return None
        self.given[page_id] = guess
        return guess if self.paying() else None

    def waiting(self, image: str) -> bool:
        """Whether a page of this image's folders is being read with no language known, and none is known yet:
        that page will tell this one's language."""
        chain = folders(image)
        if any(f in self.last for f in chain):
            return False
        return any(f in chain for started in self.detecting.values() for f in started)

    def finished(self, page_id: str) -> None:
        """A page is done, read or failed: it no longer stands for its folders."""
        self.detecting.pop(page_id, None)
        self.given.pop(page_id, None)

    def learn(self, page: Page, tried: str | None = None) -> None:
        """Take a finished page's language as its folders' latest, and score the language `tried` on it first
        (the plan's guess, or the language its task took from the page before it); for a page whose script was
        detected, the guess the plan would have made."""
        self.learn_language(page.id, page.image, page.language, tried)

    def learn_language(self, page_id: str, image: str, language: str, tried: str | None = None) -> None:
        given = self.given.pop(page_id, None)
        guess = tried if tried is not None else given
        if guess is not None:
            self.recent.append(guess == language)
        if language:
            for folder in folders(image):
                self.last[folder] = language
