"""The job taxonomy (taxonomy.h): 20 categories in 14 job families, and the scales scoring
reads (seniority ranks, minimum years)."""

from typing import Optional, Tuple

from . import _lib
from .records import text


def _names(fn) -> Tuple[str, ...]:
    out = []
    while True:
        n = fn(len(out))
        if n is None:
            return tuple(out)
        out.append(n.decode("utf-8"))


CATEGORIES: Tuple[str, ...] = _names(_lib.jm_category_name)
FAMILIES: Tuple[str, ...] = _names(_lib.jm_family_name)


def category_index(category: str) -> Optional[int]:
    """The taxonomy index of a category (trimmed, case-insensitive), or None when unknown."""
    b = text(category)
    i = _lib.jm_category_index(b, len(b))
    return None if i < 0 else i


def category_families(category: str) -> Tuple[str, ...]:
    """The families a category belongs to, in taxonomy order. A category in no family (or
    unknown) forms a family of its own, named after it, when scored: that one is not listed
    here, so the result is () for it."""
    i = category_index(category)
    if i is None:
        return ()
    bits = _lib.jm_category_families(i)
    return tuple(f for n, f in enumerate(FAMILIES) if bits >> n & 1)


def family_mask(category: str) -> int:
    """The families of a category as a bit set: bit i is FAMILIES[i]; 0 for an unknown one."""
    i = category_index(category)
    return 0 if i is None else _lib.jm_category_families(i)


def seniority_rank(level: str) -> int:
    """The seniority rank of an experience level (1 Internship .. 11 C-Level Executive (CXO));
    0 when unknown."""
    b = text(level)
    return _lib.jm_seniority_rank(b, len(b))


def years_min(years: str) -> Optional[int]:
    """The first integer in a years-of-experience text ("3-5 years" -> 3); None when none."""
    b = text(years)
    n = _lib.jm_years_min(b, len(b))
    return None if n < 0 else n
