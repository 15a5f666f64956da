"""A scanned page aligned to the blank paper's page, so that the paper's regions cut it.

`align` finds the similarity transform (shift, scale, a small rotation) that lays the scan
on the paper: ORB features of both pages, matched, and the transform fitted by RANSAC and
refined on the matches that agree with it (within a pixel or so at 200 DPI; intensity
refinement by ECC cost four times as much for no better fit on test pages). It works on
copies at most `_WORK_SIDE` pixels a side, the scan first brought to the paper's size; the
transform found is then applied to the full page (`Aligned.image`, in the paper's frame).

A page is refused, never cut blind, when the fit cannot be trusted: too few features to
match (a blank page), too few matches that agree (a page of another paper), a transform far
from a scan's (scaled, turned or shifted more than a scanner or a phone held over the page
does), or a paper whose print is not found on the aligned scan. `Aligned.error` then says
why in one line, for the grader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gradewise.model import Region

_WORK_SIDE = 1000  # pixels: features and ECC on copies this size (a page's print is still sharp)
_FEATURES = 2000
MIN_MATCHES = 30  # matches that agree on the transform, at least
_RANSAC_PIXELS = 3.0  # a match further than this from the fitted transform disagrees
MAX_SCALE = 1.35  # a scan's scale after size matching, at most this much off (either way)
MAX_TURN = 10.0  # degrees
MAX_SHIFT = 0.25  # of the page's width or height
MIN_PRINT = 0.6  # share of the paper's print found on the aligned scan, at least
_INK = 160  # grey level: darker is ink


@dataclass(frozen=True)
class Aligned:
    """A scan laid on the paper: the page in the paper's frame and the 2x3 matrix taking scan
    pixels to paper pixels; or why it could not be (`error`, and no image)."""

    image: Any = field(default=None, repr=False, compare=False)
    matrix: tuple[tuple[float, float, float], tuple[float, float, float]] | None = None
    matches: int = 0
    error: str = ""


@dataclass(frozen=True)
class Sheet:
    """A page of the blank paper made ready to align scans to (once per page, not per scan):
    its pixels, its working copy's, and that copy's ORB features."""

    pixels: Any = field(repr=False)
    small: Any = field(repr=False)
    work: float  # the working copy's scale
    points: Any = field(repr=False)
    described: Any = field(repr=False)


def sheet(paper: Any) -> Sheet:
    """The blank page (a PIL image) ready to align scans to."""
    import cv2
    import numpy as np

    pixels = np.asarray(paper.convert("L"))
    work = _WORK_SIDE / max(pixels.shape)
    small = cv2.resize(pixels, None, fx=work, fy=work, interpolation=cv2.INTER_AREA)
    points, described = _orb().detectAndCompute(small, None)
    return Sheet(pixels, small, work, points, described)


def _orb() -> Any:
    import cv2

    return cv2.ORB_create(nfeatures=_FEATURES)  # type: ignore[attr-defined]


def align(scan: Any, paper: Sheet | Any) -> Aligned:
    """`scan` (a PIL image) aligned to the blank page `paper` (a `Sheet`, or its PIL image);
    see the module docstring for when it is refused."""
    import numpy as np

    target = paper if isinstance(paper, Sheet) else sheet(paper)
    source = np.asarray(scan.convert("L"))
    fit = _fit(source, target)
    if isinstance(fit, str):
        return Aligned(error=fit)
    matrix, small, matches = fit
    why = _implausible(small, target.small.shape)
    if why:
        return Aligned(matches=matches, error=why)
    found = _print_found(_warp(_smaller(source, target), small, target.small.shape), target.small)
    if found < MIN_PRINT:
        return Aligned(
            matches=matches,
            error=f"only {found:.0%} of the paper's print lines up with it (another paper?)",
        )
    from PIL import Image

    image = Image.fromarray(_warp(source, matrix, target.pixels.shape))
    rows = tuple(tuple(float(x) for x in row) for row in matrix[:2])
    return Aligned(image, rows, matches)  # type: ignore[arg-type]


def _size(source: Any, target: Sheet) -> float:
    """The scale that brings the scan to the paper's size (by their diagonals), then to the
    working copy's."""
    return target.work * math.hypot(*target.pixels.shape) / math.hypot(*source.shape)


def _smaller(source: Any, target: Sheet) -> Any:
    import cv2

    scale = _size(source, target)
    return cv2.resize(source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _fit(source: Any, target: Sheet) -> tuple[Any, Any, int] | str:
    """The 3x3 matrix from scan to paper pixels, the 2x3 one between the working copies
    (the scan brought to the paper's size: near identity) and the number of agreeing
    matches; or why there is none."""
    import cv2
    import numpy as np

    points, described = _orb().detectAndCompute(_smaller(source, target), None)
    if described is None or len(points) < MIN_MATCHES:
        return f"no print found on it ({len(points)} features): a blank page?"
    if target.described is None:
        return "the paper's page has no print to align to"
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(described, target.described)
    if len(pairs) < MIN_MATCHES:
        return f"only {len(pairs)} features match the paper ({MIN_MATCHES} needed): another paper?"
    from_s = np.array([points[p.queryIdx].pt for p in pairs], dtype=np.float32)
    to_t = np.array([target.points[p.trainIdx].pt for p in pairs], dtype=np.float32)
    small, agree = cv2.estimateAffinePartial2D(
        from_s, to_t, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PIXELS, maxIters=3000
    )
    matches = int(agree.sum()) if agree is not None else 0
    if small is None or matches < MIN_MATCHES:
        return f"only {matches} features match the paper ({MIN_MATCHES} needed): another paper?"
    to_small = np.diag([_size(source, target), _size(source, target), 1.0])
    from_small = np.diag([1 / target.work, 1 / target.work, 1.0])
    return from_small @ np.vstack([small, [0, 0, 1]]) @ to_small, small, matches


def _implausible(small: Any, shape: tuple[int, ...]) -> str:
    """Why the working copies' transform is no scan's, or ""."""
    scale = math.hypot(small[0][0], small[1][0])
    turn = math.degrees(math.atan2(small[1][0], small[0][0]))
    height, width = shape[:2]
    shift = max(abs(small[0][2]) / width, abs(small[1][2]) / height)
    if not 1 / MAX_SCALE <= scale <= MAX_SCALE or abs(turn) > MAX_TURN:
        return (
            f"it would have to be scaled {scale:.2f} times and turned {turn:.1f}° (another paper?)"
        )
    if shift > MAX_SHIFT:
        return f"it would have to be moved {shift:.0%} of the page (another paper?)"
    return ""


def _warp(source: Any, matrix: Any, shape: tuple[int, ...]) -> Any:
    import cv2

    height, width = shape[:2]
    return cv2.warpAffine(
        source, matrix[:2], (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )


def _print_found(aligned: Any, paper: Any) -> float:
    """The share of the paper's ink that lies on ink of the aligned scan (a pixel or two off)."""
    import cv2
    import numpy as np

    printed = paper < _INK
    total = int(printed.sum())
    if not total:
        return 1.0
    scan_ink = cv2.dilate((aligned < _INK).astype(np.uint8), np.ones((5, 5), np.uint8))
    return float((printed & (scan_ink > 0)).sum()) / total


def cut(image: Any, region: Region) -> Any:
    """The region's box of a page image in the paper's frame."""
    x0, y0, x1, y1 = region.box
    return image.crop(
        (
            round(x0 * image.width),
            round(y0 * image.height),
            round(x1 * image.width),
            round(y1 * image.height),
        )
    )


def written(crop: Any, blank: Any) -> bool:
    """Is there writing in `crop` (of an aligned scan) beyond what the blank paper prints there
    (`blank`, the same box of the paper)?"""
    import cv2
    import numpy as np

    scan = cv2.medianBlur(np.asarray(crop.convert("L")), 3) < _INK
    printed = cv2.dilate((np.asarray(blank.convert("L")) < _INK).astype(np.uint8), np.ones((7, 7)))
    return int((scan & (printed == 0)).sum()) >= _WRITTEN


# Pixels of new ink (after a 3-pixel median, which takes out scanner dust) that make a box
# written in: a single digit's pen stroke at 200 DPI is a few hundred; a box wrongly taken
# for written goes to a human (nothing read), one wrongly taken for blank would be a 0.
_WRITTEN = 80
