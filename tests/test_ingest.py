"""Ingest: page discovery, stable ids, sheet references from paths and manifests, unreadable files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scan2text.errors import InputError
from scan2text.ingest import discover, load_image, sheet_from_path

pytestmark = pytest.mark.unit


def _page(path: Path, size: tuple[int, int] = (200, 120), value: int = 255) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("L", size, value)
    img.paste(0, (20, 20, 80, 40))
    img.save(path)
    return path


@pytest.mark.parametrize(
    ("rel", "fund", "inv", "file", "sheet", "verso"),
    [
        ("fund-200/inv-1/file-271/0213.tif", "200", "1", "271", 213, False),
        ("x/fund-200/inv-1/file-271/0214v.png", "200", "1", "271", 214, True),
        ("fund-6/inv-12/file-8/0008ob.jpg", "6", "12", "8", 8, True),
        ("f-4033/op-5/d-461/164.png", "4033", "5", "461", 164, False),
    ],
)
def test_sheet_reference_follows_the_folder_convention(rel, fund, inv, file, sheet, verso):
    ref = sheet_from_path(Path(rel))
    assert ref is not None
    assert (ref.fund, ref.inventory, ref.file, ref.sheet, ref.verso) == (fund, inv, file, sheet, verso)


def test_paths_off_the_convention_have_no_sheet():
    assert sheet_from_path(Path("scans/page-1.png")) is None
    assert sheet_from_path(Path("fund-200/notes.png")) is None


def test_multipage_tiff_frames_are_consecutive_sheets(tmp_path):
    frames = [Image.new("L", (100, 80), 255) for _ in range(3)]
    target = tmp_path / "fund-1/inv-2/file-3/0010.tif"
    target.parent.mkdir(parents=True)
    frames[0].save(target, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    pages = discover(tmp_path)
    assert [p.id for p in pages] == [f"fund-1/inv-2/file-3/0010_{n}" for n in (1, 2, 3)]
    assert [p.sheet.sheet for p in pages] == [10, 11, 12]
    assert load_image(pages[2]).shape == (80, 100)


def test_pdf_pages_become_sheets_of_the_file(tmp_path):
    target = tmp_path / "fund-200/inv-1/file-271.pdf"
    target.parent.mkdir(parents=True)
    scans = [Image.new("L", (850, 1100), 255) for _ in range(2)]
    scans[1].paste(0, (100, 100, 400, 140))
    scans[0].save(target, save_all=True, append_images=scans[1:], resolution=100)
    pages = discover(tmp_path)
    assert [(p.id, p.sheet.file, p.sheet.sheet) for p in pages] == [
        ("fund-200/inv-1/file-271_1", "271", 1),
        ("fund-200/inv-1/file-271_2", "271", 2),
    ]
    image = load_image(pages[1])
    # the embedded scan at its own resolution, not a re-render
    assert image.shape == (1100, 850)
    assert image[120, 200] < 50


def test_manifest_overrides_the_path(tmp_path):
    _page(tmp_path / "a.png")
    (tmp_path / "manifest.csv").write_text(
        "image,archive,fund,inventory,file,sheet,side\na.png,НАА,200,1,581,41,verso\n", encoding="utf-8"
    )
    (page,) = discover(tmp_path)
    assert page.sheet.archive == "НАА"
    assert (page.sheet.file, page.sheet.sheet, page.sheet.verso) == ("581", 41, True)


def test_ids_are_stable_and_ordered(tmp_path):
    for name in ("b/2.png", "a/1.png", "a/10.jpg"):
        _page(tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a page")
    assert [p.id for p in discover(tmp_path)] == ["a/1", "a/10", "b/2"]


def test_pages_whose_stems_collide_keep_their_extension_and_both_are_kept(tmp_path):
    for name in ("f/0213.png", "f/0213.jpg", "f/0214.png", "g/a.tif", "g/a_2.png"):
        _page(tmp_path / name)
    Image.new("L", (200, 120), 255).save(tmp_path / "g" / "a.tif", save_all=True,
                                          append_images=[Image.new("L", (200, 120), 255)])
    pages = discover(tmp_path)
    assert [p.id for p in pages] == ["f/0213.jpg", "f/0213.png", "f/0214", "g/a.tif_1", "g/a.tif_2", "g/a_2.png"]
    assert len({p.path for p in pages if p.frame == 0}) == 5
    assert pages[0].sheet == pages[1].sheet  # the sheet reference is the folder convention's, as before


def _png_header_only(path: Path, width: int, height: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"this is not an image at all"), "not an image"),
        (lambda p: _png_header_only(p, 30000, 30000), "decompression bomb"),
        (lambda p: _png_header_only(p, 16000, 14000), "over the 200 MP limit (refused as a possible decompression"),
    ],
)
def test_unreadable_files_name_the_file_and_the_reason(tmp_path, make, reason):
    target = tmp_path / "bad.png"
    make(target)
    (page,) = discover(tmp_path)
    with pytest.raises(InputError) as info:
        load_image(page)
    assert reason in str(info.value)
    assert str(target) in str(info.value)


def test_truncated_image_is_reported(tmp_path):
    good = _page(tmp_path / "t.png", size=(400, 400))
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])
    (page,) = discover(tmp_path)
    with pytest.raises(InputError, match=r"truncated|corrupt"):
        load_image(page)


@pytest.mark.parametrize("name", ["c.png", "c.jpg", "c.tif"])
def test_a_colour_page_keeps_its_colours_in_opencv_order(tmp_path, name):
    # the preprocess stage picks the grey that shows the ink best, so the colours must reach it
    Image.fromarray(np.full((50, 60, 3), (200, 10, 10), dtype=np.uint8)).save(tmp_path / name, quality=100)
    (page,) = discover(tmp_path)
    image = load_image(page)
    assert image.shape == (50, 60, 3)
    blue, green, red = (int(v) for v in image[25, 30])
    assert red > 180 and blue < 30 and green < 30


def test_a_grey_page_is_read_grey(tmp_path):
    Image.fromarray(np.full((50, 60), 90, dtype=np.uint8)).save(tmp_path / "g.jpg")
    (page,) = discover(tmp_path)
    assert load_image(page).ndim == 2


@pytest.mark.parametrize("name", ["photo.jpg", "scan.png"])
def test_colour_page_is_turned_as_its_exif_says(tmp_path, name):
    # a phone photo: colour, stored sideways with EXIF orientation 6 ("turn 90° clockwise to view")
    img = np.full((80, 120, 3), 255, dtype=np.uint8)
    img[:10, :, :] = (0, 0, 0)  # a dark band along the top edge of the stored image
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(img).save(tmp_path / name, exif=exif, quality=95)
    (page,) = discover(tmp_path)
    grey = load_image(page).mean(axis=2)
    assert grey.shape == (120, 80)  # upright: the stored width is now the height
    assert grey[:, -10:].mean() < 40 and grey[:, :-15].mean() > 215  # the top band is now the right edge


def test_jpeg_without_exif_orientation_is_left_as_stored(tmp_path):
    Image.fromarray(np.full((80, 120, 3), 128, dtype=np.uint8)).save(tmp_path / "scan.jpg")
    (page,) = discover(tmp_path)
    assert load_image(page).shape[:2] == (80, 120)
