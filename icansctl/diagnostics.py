"""Diagnostics: what loading and checking say about evidence files, at file:line:col.

Loading never raises on bad evidence; it collects diagnostics.  Each carries a stable
rule id from ``RULES`` so that users can look a rule up (``icansctl check
--list-rules``) and CI logs stay comparable across versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "note" is informational: printed and counted, but it never fails a check, whatever
# --fail-on or --strict says (an overlay overriding a bundled entry is legitimate).
Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based line and column (0 means 'whole file')."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True)
class Rule:
    """One check with a stable id."""

    id: str
    name: str
    severity: Severity
    summary: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding: where, which rule, how bad, and what to do about it."""

    location: Location
    rule: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.rule} {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by file, then position, then rule."""
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule)


# fmt: off
_RULE_LIST = [  # one rule per line: a table (README's rules table is made from it)
    # YAML and file hazards
    Rule("ICX001", "yaml-syntax", "error", "The file is not valid YAML."),
    Rule("ICX002", "not-utf8", "error", "The file is not UTF-8 text."),
    Rule("ICX003", "file-too-large", "error", "The file exceeds the size cap."),
    Rule("ICX004", "empty-file", "error", "The file holds no YAML document."),
    Rule("ICX005", "not-a-mapping", "error", "The top level of an evidence file is not a mapping."),
    Rule("ICX006", "duplicate-key", "error", "A mapping repeats a key (YAML keeps only the last)."),
    Rule("ICX007", "anchor-alias", "error", "Anchors and aliases are not allowed in evidence."),
    Rule("ICX008", "too-deep", "error", "Nesting is deeper than any evidence file needs."),
    Rule("ICX009", "yaml11-coercion", "error", "An unquoted value YAML 1.1 reads as a boolean or number where text is expected, or a number not in plain decimal (010 is read as 8, 4_0 as 40)."),
    Rule("ICX010", "multiple-documents", "error", "A file holds more than one YAML document."),
    Rule("ICX011", "unknown-file", "error", "A YAML file sits where no kind of evidence belongs."),
    Rule("ICX012", "unreadable", "error", "A path does not exist, cannot be read, or holds no evidence files (exit 2)."),
    Rule("ICX013", "control-character", "error", "Text or a comment holds a control character (an escape sequence would reach the reader's terminal), a bidirectional override or isolate, or a zero-width character, in any quoting style."),
    # Schema
    Rule("ICX020", "missing-field", "error", "A required field is missing."),
    Rule("ICX021", "wrong-type", "error", "A field has the wrong type or an invalid value."),
    Rule("ICX022", "unknown-key", "error", "A key the evidence format does not define."),
    # Citations
    Rule("ICX030", "uncited-claim", "error", "A claim or outcome has no citation."),
    Rule("ICX031", "unknown-reference", "error", "A citation names a reference that does not exist."),
    Rule("ICX032", "unresolvable-reference", "error", "A reference has neither DOI, PMID, PMCID nor URL (a meeting abstract may instead give its trial registration)."),
    Rule("ICX033", "malformed-identifier", "error", "A DOI, PMID, PMCID or NCT is malformed."),
    Rule("ICX034", "missing-locator", "warning", "A citation has no locator (table, section...)."),
    # Numbers
    Rule("ICX040", "events-exceed-total", "error", "Events are greater than the total."),
    Rule("ICX041", "negative-number", "error", "A count or percent is negative."),
    Rule("ICX042", "total-disagrees-with-arm", "error", "An outcome's total exceeds its arm's N, or differs from it without a note."),
    Rule("ICX043", "percent-disagrees", "error", "A reported percent is not events/total rounded to the nearest or truncated at its precision."),
    Rule("ICX044", "derived-count-unmarked", "error", "A count with a reported percent but no reported count is not marked derived."),
    Rule("ICX045", "zero-total", "error", "An outcome's total is 0: no proportion exists."),
    Rule("ICX046", "arm-exceeds-treated", "error", "An intervention (or randomized) arm's n is larger than the study's treated population."),
    Rule("ICX047", "count-too-large", "error", "A count is above 10,000,000: larger than any clinical study (a typo?)."),
    # Cross-file references
    Rule("ICX050", "unknown-id", "error", "An id that names no endpoint, arm, study, strategy..."),
    Rule("ICX051", "duplicate-id", "error", "Two files or entries define the same id."),
    Rule("ICX052", "orphan", "warning", "A reference or study that nothing uses."),
    Rule("ICX053", "strategy-name-collision", "error", "A strategy's name or alias is also another strategy's id, name or alias."),
    Rule("ICX054", "overrides-bundled", "note", "Local evidence replaces a bundled entry of the same id (never fails the check)."),
    # Sources and derived counts (issue 12)
    Rule("ICX055", "weak-source-only", "warning", "A figure rests only on press releases or news reports, and its note does not say so."),
    Rule("ICX056", "derived-count-not-unique", "error", "A derived count is not the only whole number that reproduces the printed percent of its total (rounded to nearest or truncated): keep the percent alone."),
    Rule("ICX057", "derived-count-without-percent", "error", "A count marked derived has no printed percent to be derived from."),
    # New evidence: time points, relative effects, trials to watch
    Rule("ICX060", "duplicate-time-point", "error", "An arm has two figures for one endpoint at the same time point (or repeated figures without saying which time point each is)."),
    Rule("ICX061", "effect-without-locator", "error", "A relative effect (risk ratio...) does not say where in its source it is printed."),
    Rule("ICX062", "effect-interval", "error", "A relative effect's interval has one bound, is reversed, excludes the estimate, or a ratio is not positive."),
    Rule("ICX063", "effect-same-arm", "error", "A relative effect compares an arm with itself."),
    Rule("ICX064", "trial-status-undated", "error", "A trial to watch gives a status without the date it was seen."),
    Rule("ICX065", "bad-date", "error", "A date is not of the form YYYY-MM-DD, is not a real date, or is in the future."),
    Rule("ICX066", "empty-study", "error", "A study has no figure, finding or effect: say what is known, even that results are not available."),
    Rule("ICX067", "duplicate-trial", "error", "A strategy lists the same trial twice."),
    # Dates: added, changed, checked (issue 13); a date in the future is ICX065
    Rule("ICX070", "changed-before-added", "error", "A record's change is dated before the record was added."),
    Rule("ICX071", "checked-before-study", "warning", "A strategy's literature was checked before one of its studies was added: its checked date is too old."),
    # Certainty of evidence
    Rule("ICX072", "duplicate-judgement", "error", "A strategy records two certainty judgements on the same endpoint and domain."),
]
# fmt: on

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}


def diagnostic(location: Location, rule_id: str, message: str) -> Diagnostic:
    """Build a diagnostic with the rule's own severity."""
    return Diagnostic(location, rule_id, message, RULES[rule_id].severity)
