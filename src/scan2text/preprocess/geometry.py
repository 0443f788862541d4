"""3×3 homogeneous affine matrices for the page's geometric steps (turn, deskew, crop, scale).

Every step is composed into one matrix from original-scan pixels to cleaned-image pixels, so the page is
resampled exactly once and `to_original` is simply the inverse. Pixel centres sit on integer coordinates,
as in cv2.warpAffine.
"""

from __future__ import annotations

import cv2
import numpy as np


def identity() -> np.ndarray:
    return np.eye(3)


def translate(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def scale(sx: float, sy: float | None = None) -> np.ndarray:
    return np.diag([sx, sx if sy is None else sy, 1.0])


def resize_matrix(src_w: int, src_h: int, dst_w: int, dst_h: int) -> np.ndarray:
    """The map cv2.resize applies (pixel-centre aligned): dst = (src + 0.5)·f − 0.5."""
    fx, fy = dst_w / src_w, dst_h / src_h
    return np.array([[fx, 0.0, 0.5 * fx - 0.5], [0.0, fy, 0.5 * fy - 0.5], [0.0, 0.0, 1.0]])


def shrink(image: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Area-average `image` down to `size` (w, h); returns the image and the 3×3 map from old to new pixels.

    Halving steps first: OpenCV's area resampling is ~15× faster for an exact factor of 2 than for an
    arbitrary one, and the last step then works on a quarter of the pixels or fewer.
    """
    m = identity()
    img = image
    while img.shape[1] >= 2 * size[0] and img.shape[0] >= 2 * size[1]:
        half = (img.shape[1] // 2, img.shape[0] // 2)
        # an odd last row/column is dropped so the fast exact-halving path applies
        m = resize_matrix(2 * half[0], 2 * half[1], *half) @ m
        img = cv2.resize(img[: 2 * half[1], : 2 * half[0]], half, interpolation=cv2.INTER_AREA)
    if (img.shape[1], img.shape[0]) != tuple(size):
        m = resize_matrix(img.shape[1], img.shape[0], *size) @ m
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    return img, m


def turn(quarters_cw: int, w: int, h: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Clockwise quarter turns of a w×h image, and the turned size."""
    q = quarters_cw % 4
    if q == 0:
        return identity(), (w, h)
    if q == 1:  # (x, y) -> (h-1-y, x)
        return np.array([[0.0, -1.0, h - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), (h, w)
    if q == 2:
        return np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0], [0.0, 0.0, 1.0]]), (w, h)
    return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w - 1.0], [0.0, 0.0, 1.0]]), (h, w)


def rotate_expanded(angle: float, w: int, h: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Counter-clockwise rotation by `angle` degrees about the centre, on a canvas that holds the whole page."""
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    rot = np.vstack([cv2.getRotationMatrix2D((cx, cy), angle, 1.0), [0.0, 0.0, 1.0]])
    a = np.deg2rad(angle)
    c, s = abs(np.cos(a)), abs(np.sin(a))
    nw, nh = int(np.ceil(w * c + h * s)), int(np.ceil(w * s + h * c))
    return translate((nw - w) / 2.0, (nh - h) / 2.0) @ rot, (nw, nh)


def apply(m: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map point coordinates through a 3×3 affine matrix."""
    return m[0, 0] * xs + m[0, 1] * ys + m[0, 2], m[1, 0] * xs + m[1, 1] * ys + m[1, 2]


def warp(image: np.ndarray, m: np.ndarray, size: tuple[int, int], fill: int, nearest: bool = False,
         cubic: bool = False) -> np.ndarray:
    """Resample `image` through `m` (source -> destination) into a w×h canvas: bilinear, or nearest (masks),
    or bicubic (sharper edges for a strong enlargement)."""
    flags = cv2.INTER_NEAREST if nearest else cv2.INTER_CUBIC if cubic else cv2.INTER_LINEAR
    return cv2.warpAffine(
        image, m[:2], size, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=int(fill)
    )
