"""A scanned page aligned to the blank paper's page, so that the paper's regions cut it.

`align` finds the similarity transform (shift, scale, a small rotation) that lays the scan
on the paper: ORB features of both pages, matched, and the transform fitted by RANSAC and
refined on the matches that agree with it (within a pixel or so at 200 DPI; intensity
refinement by ECC cost four times as much for no better fit on test pages). A page
photographed at an angle is not a similarity of the paper: a perspective transform
(a homography, also by RANSAC, then refined by ECC: 3-5 pixels at 200 DPI) is tried first
when it agrees with clearly more matches, and wherever the similarity is refused. It works on
copies at most `_WORK_SIDE` pixels a side, the scan first brought to the paper's size; the
transform found is then applied to the full page (`Aligned.image`, in the paper's frame).

A page is refused, never cut blind, when the fit cannot be trusted: too few features to
match (a blank page), too few matches that agree (a page of another paper), a transform far
from a scan's (scaled, turned or shifted more than a scanner or a phone held over the page
does, tilted too far, or stretched one way: a page of another layout), or a paper whose print
is not found on the aligned scan. `Aligned.error` then says
why in one line, for the grader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
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
# A perspective fit is tried first when it agrees with this many times the similarity's
# matches: on scans (no perspective) the two agree within 1%; on a page photographed at an
# angle (its top 2% narrower) the perspective explains 30% more.
PERSPECTIVE_GAIN = 1.1
MAX_TILT = 0.5  # perspective: the scale change across the page, at most (a phone's photo)
# One way's scale over the other's, at most: photos at an angle measured 1.05-1.13, a page of
# another layout squeezed onto the paper 1.9.
MAX_STRETCH = 1.25
_INK = 160  # grey level: darker is ink


@dataclass(frozen=True)
class Aligned:
    """A scan laid on the paper: the page in the paper's frame and the 2x3 matrix taking scan
    pixels to paper pixels; or why it could not be (`error`, and no image)."""

    image: Any = field(default=None, repr=False, compare=False)
    # 2x3 for a similarity (a scan), 3x3 for a perspective (a photo at an angle)
    matrix: tuple[tuple[float, float, float], ...] | None = None
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
    small_scan = _smaller(source, target)
    fits = _fits(small_scan, target)
    if isinstance(fits, str):
        return Aligned(error=fits)
    refused = ""
    for fit in fits:  # the likelier model first; the other where it fails
        if fit.perspective:
            fit = replace(fit, small=_refined(small_scan, target, fit.small))
        why = _implausible(fit.small, target.small.shape) or _unprinted(small_scan, fit, target)
        if not why:
            return _aligned(source, target, fit)
        refused = refused or why
    return Aligned(matches=fits[0].matches, error=refused)


@dataclass(frozen=True)
class _Fit:
    """A transform between the working copies (3x3; the scan brought to the paper's size:
    near identity) and how many matches agree with it."""

    small: Any
    matches: int
    perspective: bool = False


def _aligned(source: Any, target: Sheet, fit: _Fit) -> Aligned:
    """The scan warped into the paper's frame by `fit`, brought to the full pages' scale."""
    import numpy as np
    from PIL import Image

    to_small = np.diag([_size(source, target), _size(source, target), 1.0])
    from_small = np.diag([1 / target.work, 1 / target.work, 1.0])
    matrix = from_small @ fit.small @ to_small
    image = Image.fromarray(_warp(source, matrix, target.pixels.shape))
    rows = tuple(tuple(float(x) for x in row) for row in matrix[: 3 if fit.perspective else 2])
    return Aligned(image, rows, fit.matches)  # type: ignore[arg-type]


def _unprinted(small_scan: Any, fit: _Fit, target: Sheet) -> str:
    """Why the paper's print is not found on the scan laid on it by `fit`, or ""."""
    found = _print_found(_warp(small_scan, fit.small, target.small.shape), target.small)
    if found < MIN_PRINT:
        return f"only {found:.0%} of the paper's print lines up with it (another paper?)"
    return ""


def _size(source: Any, target: Sheet) -> float:
    """The scale that brings the scan to the paper's size (by their diagonals), then to the
    working copy's."""
    return target.work * math.hypot(*target.pixels.shape) / math.hypot(*source.shape)


def _smaller(source: Any, target: Sheet) -> Any:
    import cv2

    scale = _size(source, target)
    return cv2.resize(source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _fits(small_scan: Any, target: Sheet) -> list[_Fit] | str:
    """The transforms that lay the scan's working copy on the paper's, the likelier first: a
    similarity (a scanner: shift, scale, a small turn), and a perspective (a phone held at an
    angle), tried first when it agrees with clearly more matches; or why there is none."""
    import cv2
    import numpy as np

    points, described = _orb().detectAndCompute(small_scan, None)
    if described is None or len(points) < MIN_MATCHES:
        return f"no print found on it ({len(points)} features): a blank page?"
    if target.described is None:
        return "the paper's page has no print to align to"
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(described, target.described)
    if len(pairs) < MIN_MATCHES:
        return f"only {len(pairs)} features match the paper ({MIN_MATCHES} needed): another paper?"
    from_s = np.array([points[p.queryIdx].pt for p in pairs], dtype=np.float32)
    to_t = np.array([target.points[p.trainIdx].pt for p in pairs], dtype=np.float32)
    similar, agree = cv2.estimateAffinePartial2D(
        from_s, to_t, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PIXELS, maxIters=3000
    )
    tilted, kept = cv2.findHomography(from_s, to_t, cv2.RANSAC, _RANSAC_PIXELS, maxIters=3000)
    fits = []
    if similar is not None and agree is not None:
        fits.append(_Fit(np.vstack([similar, [0, 0, 1]]), int(agree.sum())))
    if tilted is not None and kept is not None and int(kept.sum()) >= MIN_MATCHES:
        inside = kept.ravel() > 0  # refined on the matches that agree, by least squares
        tilted = cv2.findHomography(from_s[inside], to_t[inside], 0)[0]
    if tilted is not None and kept is not None and abs(tilted[2][2]) > 1e-9:
        fits.append(_Fit(tilted / tilted[2][2], int(kept.sum()), perspective=True))
    fits = [fit for fit in fits if fit.matches >= MIN_MATCHES]
    if not fits:
        most = max([int(agree.sum()) if agree is not None else 0, 0])
        return f"only {most} features match the paper ({MIN_MATCHES} needed): another paper?"
    if len(fits) == 2 and fits[1].matches > PERSPECTIVE_GAIN * fits[0].matches:
        fits.reverse()
    return fits


def _refined(small_scan: Any, target: Sheet, start: Any) -> Any:
    """A perspective fit refined on the pages' pixels (ECC), from `start`: features alone
    leave the corners of a photographed page 5-8 pixels off, this 3-5; `start` if it fails."""
    import cv2
    import numpy as np

    first = np.linalg.inv(start).astype(np.float32)  # ECC maps the paper's pixels to the scan's
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-4)
    try:
        _, warp = cv2.findTransformECC(
            target.small.astype(np.float32),
            small_scan.astype(np.float32),
            first,
            motionType=cv2.MOTION_HOMOGRAPHY,
            criteria=criteria,
        )
    except cv2.error:
        return start
    out = np.linalg.inv(np.asarray(warp, dtype=np.float64))
    return out / out[2][2]


def _implausible(small: Any, shape: tuple[int, ...]) -> str:
    """Why the working copies' transform is no scan's or photo's, or ""."""
    scale = math.hypot(small[0][0], small[1][0])
    turn = math.degrees(math.atan2(small[1][0], small[0][0]))
    height, width = shape[:2]
    shift = max(abs(small[0][2]) / width, abs(small[1][2]) / height)
    tilt = max(abs(small[2][0]) * width, abs(small[2][1]) * height)
    if tilt > MAX_TILT:
        return f"it would have to be tilted {tilt:.2f} (a photo taken too far from above?)"
    stretch = _stretch(small)
    if stretch > MAX_STRETCH:  # a page of another layout, squeezed onto this one
        return f"it would have to be stretched {stretch:.2f} times one way (another paper?)"
    if not 1 / MAX_SCALE <= scale <= MAX_SCALE or abs(turn) > MAX_TURN:
        return (
            f"it would have to be scaled {scale:.2f} times and turned {turn:.1f}° (another paper?)"
        )
    if shift > MAX_SHIFT:
        return f"it would have to be moved {shift:.0%} of the page (another paper?)"
    return ""


def _stretch(small: Any) -> float:
    """How much more the transform scales one way than the other (1: not at all)."""
    import numpy as np

    most, least = np.linalg.svd(np.asarray(small, dtype=float)[:2, :2], compute_uv=False)
    return float(most / least) if least > 1e-9 else math.inf


def _warp(source: Any, matrix: Any, shape: tuple[int, ...]) -> Any:
    import cv2

    height, width = shape[:2]
    return cv2.warpPerspective(
        source, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
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
