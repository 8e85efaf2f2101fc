"""How each kind of comparison group is named beside a study's numbers."""

from __future__ import annotations

COMPARATOR_WORDS = {
    "none": "no comparator (single arm)",
    "randomized": "randomized comparator",
    "matched-cohort": "matched cohort",
    "historical": "historical comparison",
    "concurrent-cohort": "concurrent unmatched cohort",
    "meta-analysis": "meta-analysis of trials",
    "not-stated": "comparator not stated",
}
