"""Regression tests for the reliability audit (2026-12): numbers and the YAML reader.

Each test is named after the audit finding it pins (F3, F6, F7, F9, F14, F19).  The
expected values are typed from the audit, from hand computation (shown beside them)
or from an independent oracle (a direct binomial sum, scipy when installed), never
from the functions under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from icansctl.cli.main import app
from icansctl.evidence.yaml_reader import LIBYAML_DEPTH_ERROR, parse_text

from .overlay import REFERENCE, STUDY, write_overlay


def findings(text: str) -> list[tuple[str, int, int]]:
    """(rule, line, column) of what the reader says about ``text``."""
    parsed = parse_text(text, "x.yaml")
    return [(d.rule, d.location.line, d.location.column) for d in parsed.diagnostics]


# --- F6: libyaml's own depth limit (PyYAML 6.0.4) must not change the rule id ------


def test_F6_ten_thousand_deep_flow_list_is_ICX008_at_level_65() -> None:
    # 64 '[' are allowed; the 65th, in column 65, is one too many.
    assert findings("[" * 10_000 + "]" * 10_000 + "\n") == [("ICX008", 1, 65)]


def test_F6_deep_block_list_is_ICX008_at_level_65() -> None:
    text = "".join("  " * i + "-\n" for i in range(1_200))
    # Line i+1 opens level i+1: the 65th level is the sequence on line 65, column 129.
    assert findings(text) == [("ICX008", 65, 129)]


def test_F6_depth_error_far_into_a_file_is_still_ICX008() -> None:
    prefix = "".join(f"k{i}: [value {i}, 'text {i}']\n" for i in range(6_000))  # ~170 KB
    text = prefix + "z: " + "[" * 1_500 + "]" * 1_500 + "\n"
    (rule, line, _), *rest = findings(text)
    assert (rule, line, rest) == ("ICX008", 6_001, [])


def test_F6_libyaml_depth_message_still_contains_the_documented_substring() -> None:
    """The guard on libyaml's wording: if a libyaml release rewords its depth error,
    this fails here instead of the deep-file finding silently turning into ICX001."""
    cparser = getattr(getattr(yaml, "_yaml", None), "CParser", None)
    if cparser is None:
        pytest.skip("PyYAML without libyaml: no depth limit to map")
    parser = cparser("[" * 1_001 + "]" * 1_001 + "\n")
    try:
        while not isinstance(parser.get_event(), yaml.StreamEndEvent):
            pass
    except yaml.MarkedYAMLError as err:
        assert LIBYAML_DEPTH_ERROR in str(err.problem)
    finally:
        parser.dispose()


def test_F6_check_reports_the_deep_file_as_ICX008(tmp_path: Path) -> None:
    studies = tmp_path / "studies"
    studies.mkdir()
    (studies / "deep.yaml").write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False
    )
    report = json.loads(result.stdout)
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [("ICX008", 1, 65)]
    assert result.exit_code == 1


# --- an overlay like the audit's `mkov`: one reference, one study, one strategy -------


def mkov(root: Path, *edits: tuple[str, str], reference: str = REFERENCE) -> Path:
    """The audit's minimal valid overlay under ``root``, with (old, new) text edits to
    the study file applied in order (each must match: a silent no-op edit would let a
    test pass on the unedited overlay)."""
    study = STUDY
    for old, new in edits:
        assert old in study, old
        study = study.replace(old, new)
    return write_overlay(root, reference=reference, study=study)


def check(root: Path) -> tuple[int, list[tuple[str, int, str]]]:
    """Exit code and (rule, line, message) of each finding of `icansctl check ROOT`."""
    result = CliRunner().invoke(
        app, ["check", "--strict", "--format", "json", str(root)], catch_exceptions=False
    )
    report = json.loads(result.stdout)
    return result.exit_code, [(f["rule"], f["line"], f["message"]) for f in report["findings"]]


def grade3_cell(root: Path, *options: str) -> str:
    """The grade >=3 cell of `icansctl compare hostile -e ROOT -f markdown`."""
    result = CliRunner().invoke(
        app,
        ["compare", "hostile", "-e", str(root), "-f", "markdown", *options],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.stdout.splitlines() if "grade ≥3 |" in line]
    return row.split("|")[2].strip()


def test_the_overlay_is_clean_as_the_audit_says(tmp_path: Path) -> None:
    assert check(mkov(tmp_path)) == (0, [])
    # Markdown escapes the derived-count marker: \\*
    assert grade3_cell(tmp_path).startswith("20% (8/40)\\*; 95% CI 10.5–34.8")


# --- F9: numbers the check let through, or the display distorted ---------------------


def test_F9_zero_over_zero_is_a_finding(tmp_path: Path) -> None:
    mkov(
        tmp_path,
        ("events: 8", "events: 0"),
        ("total: 40", "total: 0"),
        ("reported_percent: 20", "reported_percent: 0"),
        ("n: 40}", "n: 0}"),
    )
    code, found = check(tmp_path)
    assert [(rule, line) for rule, line, _ in found] == [("ICX045", 12)]
    assert code == 1


def test_F9_zero_total_without_a_percent_is_a_finding(tmp_path: Path) -> None:
    mkov(
        tmp_path,
        ("events: 8", "events: 0"),
        ("total: 40", "total: 0"),
        ("    reported_percent: 20\n", ""),
        ("n: 40}", "n: 0}"),
    )
    code, found = check(tmp_path)
    assert [(rule, line) for rule, line, _ in found] == [("ICX045", 12)]
    assert code == 1


@pytest.mark.parametrize(
    ("events", "total", "printed", "message"),
    [
        (1, 3, "34", "reported 34% but 1/3 = 33.33%, which rounds to 33%"),
        (991, 1100, "91", "reported 91% but 991/1100 = 90.09%, which rounds to 90%"),
        (8, 40, "21", "reported 21% but 8/40 = 20.00%, which rounds to 20%"),
    ],
)
def test_F9_a_percent_rounded_up_from_the_count_is_a_finding(
    tmp_path: Path, events: int, total: int, printed: str, message: str
) -> None:
    mkov(
        tmp_path,
        ("events: 8", f"events: {events}"),
        ("total: 40", f"total: {total}"),
        ("reported_percent: 20", f"reported_percent: {printed}"),
        ("n: 40}", f"n: {total}}}"),
        ("treated: 40", f"treated: {total}"),
    )
    assert check(tmp_path) == (1, [("ICX043", 13, message)])


@pytest.mark.parametrize(
    ("events", "total", "printed"),
    [
        (5, 40, "13"),  # 12.5 rounded half up
        (5, 40, "12"),  # 12.5 rounded half down, or truncated
        (2, 31, "6.4"),  # 6.45.. truncated
        (1, 3, "33.3"),
        (2, 3, "66.7"),  # 66.66.. nearest
        (2, 3, "67"),
        (2, 3, "66"),  # truncated
    ],
)
def test_F9_nearest_or_truncated_percents_pass(
    tmp_path: Path, events: int, total: int, printed: str
) -> None:
    mkov(
        tmp_path,
        ("events: 8", f"events: {events}"),
        ("total: 40", f"total: {total}"),
        ("reported_percent: 20", f"reported_percent: {printed}"),
        ("n: 40}", f"n: {total}}}"),
        ("treated: 40", f"treated: {total}"),
    )
    assert check(tmp_path) == (0, [])


def test_F9_treated_below_an_arm_n_is_a_finding(tmp_path: Path) -> None:
    mkov(tmp_path, ("treated: 40", "treated: 10"))
    code, found = check(tmp_path)
    assert found == [("ICX046", 7, "arm 'a' n = 40 exceeds the 10 treated (population.treated)")]
    assert code == 1


@pytest.mark.parametrize(
    ("events", "cell"),
    [
        (1, "0.05% (1/2000)"),  # not 0%
        (1999, "99.95% (1999/2000)"),  # not 100%
        (0, "0% (0/2000)"),
        (2000, "100% (2000/2000)"),
        (7, "0.4% (7/2000)"),  # 0.35 half up, one decimal
        (1000, "50% (1000/2000)"),
    ],
)
def test_F9_rare_and_near_total_counts_keep_their_decimals(
    tmp_path: Path, events: int, cell: str
) -> None:
    mkov(
        tmp_path,
        ("events: 8", f"events: {events}"),
        ("total: 40", "total: 2000"),
        ("    reported_percent: 20\n", ""),
        ("count: derived", "count: reported"),
        ("n: 40}", "n: 2000}"),
        ("treated: 40", "treated: 2000"),
    )
    assert check(tmp_path) == (0, [])
    assert grade3_cell(tmp_path).startswith(cell + ";")


def test_F9_a_source_zero_percent_for_a_rare_event_shows_the_computed_figure(
    tmp_path: Path,
) -> None:
    # 1/2000 = 0.05%: a source printing 0% agrees (nearest whole number), but the cell
    # must not read 0% beside a count of 1.
    mkov(
        tmp_path,
        ("events: 8", "events: 1"),
        ("total: 40", "total: 2000"),
        ("reported_percent: 20", "reported_percent: 0"),
        # 0% of 2000 is 0 or 1 patient: only a reported count can say which (ICX056)
        ("count: derived", "count: reported"),
        ("n: 40}", "n: 2000}"),
        ("treated: 40", "treated: 2000"),
    )
    assert check(tmp_path) == (0, [])
    assert grade3_cell(tmp_path).startswith("0.05% (1/2000);")


def test_F9_a_percent_only_cell_has_no_derived_marker(tmp_path: Path) -> None:
    mkov(tmp_path, ("    events: 8\n    total: 40\n", ""))
    assert check(tmp_path) == (0, [])
    cell = grade3_cell(tmp_path)
    assert cell == "20% \\[1\\]"
    assert "*" not in cell


# --- F14: the exact interval is computed, not summed; absurd counts are refused ------


def test_F14_exact_interval_at_a_hundred_thousand(tmp_path: Path) -> None:
    mkov(
        tmp_path,
        ("events: 8", "events: 50000"),
        ("total: 40", "total: 100000"),
        ("reported_percent: 20", "reported_percent: 50"),
        ("n: 40}", "n: 100000}"),
        ("treated: 40", "treated: 100000"),
    )
    # p = 0.5, n = 1e5: 1.96 * sqrt(0.25 / 1e5) = 0.31% either side, by hand.
    assert grade3_cell(tmp_path, "--ci", "exact").startswith(
        "50% (50000/100000)\\*; 95% CI 49.7–50.3"
    )


def test_F14_exact_interval_work_does_not_grow_with_the_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At n = 10^6 the old code summed ~10^6 pmf terms (an exp and three lgammas each)
    at every bisection step.  Count the calls into `math` and stop at a bound that a
    per-count sum overruns at once: the test fails fast instead of hanging."""
    import math

    from icansctl import stats

    calls = 0

    class Counting:
        def __getattr__(self, name: str) -> object:
            real = getattr(math, name)
            if not callable(real):
                return real

            def counted(*args: float) -> object:
                nonlocal calls
                calls += 1
                if calls > 2_000:
                    raise AssertionError("more than 2,000 math calls: work grows with n")
                return real(*args)

            return counted

    monkeypatch.setattr(stats, "math", Counting())
    low, high = stats.clopper_pearson_interval(500_000, 1_000_000)
    # p = 0.5, n = 1e6: 1.96 * sqrt(0.25 / 1e6) = 0.00098 either side (normal limit).
    assert low == pytest.approx(0.49902, abs=2e-5)
    assert high == pytest.approx(0.50098, abs=2e-5)
    assert calls < 2_000


def test_F14_absurd_counts_raise_a_named_error_instead_of_hanging() -> None:
    from icansctl.stats import ProportionError, clopper_pearson_interval, wilson_interval

    for interval in (clopper_pearson_interval, wilson_interval):
        with pytest.raises(ProportionError, match="above the cap"):
            interval(10**30, 10**30)


def test_F14_counts_above_the_cap_are_a_check_finding(tmp_path: Path) -> None:
    big = 10**30
    mkov(
        tmp_path,
        ("events: 8", f"events: {big}"),
        ("total: 40", f"total: {big}"),
        ("    reported_percent: 20\n", ""),
        ("n: 40}", "n: 40000000}"),
        ("treated: 40", "treated: 40000000"),
    )
    code, found = check(tmp_path)
    assert [(rule, line) for rule, line, _ in found] == [
        ("ICX047", 5),  # population.treated 40,000,000
        ("ICX047", 7),  # arm n
        ("ICX047", 11),  # events
        ("ICX047", 12),  # total
    ]
    assert found[2][2] == "'events' is a 31-digit number, above 10,000,000: no study is that large"
    assert code == 1


# --- F3: YAML 1.1 integer forms must never silently change a count --------------------

PLAIN_DECIMAL_HINT = "write numbers in plain decimal, or quote the value if it is text"


def test_F3_yaml11_octal_count_is_a_finding(tmp_path: Path) -> None:
    mkov(tmp_path, ("events: 8", "events: 010"), ("    reported_percent: 20\n", ""))
    code, found = check(tmp_path)
    assert found == [
        (
            "ICX009",
            11,
            f"YAML 1.1 reads unquoted 010 as the number 8 (octal: a leading zero); "
            f"{PLAIN_DECIMAL_HINT}",
        )
    ]
    assert code == 1


def test_F3_octal_total_and_arm_n_are_findings(tmp_path: Path) -> None:
    mkov(
        tmp_path,
        ("n: 40}", "n: 050}"),
        ("total: 40", "total: 050"),
        ("    reported_percent: 20\n", ""),
    )
    code, found = check(tmp_path)
    # Only the two misread numbers: no follow-on finding from comparing 40 with 40.
    assert [(rule, line) for rule, line, _ in found] == [("ICX009", 7), ("ICX009", 12)]
    assert all("as the number 40 (octal" in message for _, _, message in found)
    assert code == 1


@pytest.mark.parametrize(
    ("events", "total", "expected"),
    [
        ("0x8", "40", [("ICX009", 11, "0x8 as the number 8 (hexadecimal)")]),
        ("8", "4_0", [("ICX009", 12, "4_0 as the number 40 (the '_' dropped)")]),
        ("0b1000", "40", [("ICX009", 11, "0b1000 as the number 8 (binary)")]),
        ("1:20", "100", [("ICX009", 11, "1:20 as the number 80 (sexagesimal: base 60)")]),
    ],
)
def test_F3_hex_binary_underscore_and_base_60_counts_are_findings(
    tmp_path: Path, events: str, total: str, expected: list[tuple[str, int, str]]
) -> None:
    mkov(
        tmp_path,
        ("events: 8", f"events: {events}"),
        ("total: 40", f"total: {total}"),
        ("    reported_percent: 20\n", ""),
        ("    provenance: {count: derived}\n", "    note: 'subset'\n"),
    )
    code, found = check(tmp_path)
    assert [(r, line, m.split("unquoted ")[1].split(";")[0]) for r, line, m in found] == expected
    assert code == 1


def test_F3_octal_reported_percent_is_a_finding_not_a_wrong_percent(tmp_path: Path) -> None:
    mkov(tmp_path, ("reported_percent: 20", "reported_percent: 020"))
    code, found = check(tmp_path)
    # Not "reported 16% but 8/40 ...": the percent is reported as written.
    assert found == [
        (
            "ICX009",
            13,
            f"YAML 1.1 reads unquoted 020 as the number 16 (octal: a leading zero); "
            f"{PLAIN_DECIMAL_HINT}",
        )
    ]
    assert code == 1


def test_F3_a_plus_sign_is_plain_decimal(tmp_path: Path) -> None:
    # Decided: +8 is 8 in YAML 1.1 and in YAML 1.2 alike, so it is not a finding.
    mkov(tmp_path, ("events: 8", "events: +8"))
    assert check(tmp_path) == (0, [])


def test_F3_the_misread_count_never_reaches_a_rendering(tmp_path: Path) -> None:
    mkov(tmp_path, ("events: 8", "events: 010"), ("    reported_percent: 20\n", ""))
    result = CliRunner().invoke(
        app, ["compare", "hostile", "-e", str(tmp_path), "-f", "markdown"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "(8/40)" not in result.stdout


# --- F7: bidi and zero-width characters in every scalar style -------------------------

RLO, PDF, ZWSP = "\u202e", "\u202c", "\u200b"


@pytest.mark.parametrize(
    ("caveat", "column"),
    [
        (f"'Looks safe {RLO}evil{PDF} end'", 30),  # the audit's single-quoted example
        (f"Looks safe {RLO}evil{PDF} end", 29),  # plain
        (f'"Looks safe {RLO}evil{PDF} end"', 30),  # double-quoted, raw
        ('"Looks safe \\u202eevil\\u202c end"', 18),  # double-quoted escape: at the scalar
    ],
)
def test_F7_bidi_override_is_ICX013_in_every_flow_style(
    tmp_path: Path, caveat: str, column: int
) -> None:
    # Line 11 is 'caveats: [{text: ...': the scalar starts in column 18, and a raw
    # character 11 characters ("Looks safe ") into it, after any opening quote.
    mkov(tmp_path)
    strategy = tmp_path / "strategies" / "hostile.yaml"
    text = strategy.read_text(encoding="utf-8")
    old = 'caveats: [{text: "A caveat.",'
    assert old in text
    strategy.write_text(text.replace(old, f"caveats: [{{text: {caveat},"), encoding="utf-8")
    code, found = check(tmp_path)
    rules = [(rule, line) for rule, line, _ in found if rule == "ICX013"]
    assert rules == [("ICX013", 11)]
    result = CliRunner().invoke(
        app, ["check", "--format", "json", str(strategy)], catch_exceptions=False
    )
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "ICX013"]
    assert (finding["line"], finding["column"]) == (11, column)
    assert "U+202E" in finding["message"]
    assert code == 1


@pytest.mark.parametrize("indicator", ["|", ">"])
def test_F7_bidi_and_zero_width_in_block_scalars(indicator: str) -> None:
    text = f"note: {indicator}\n  first line\n  second {ZWSP}line\n  third {RLO}line\n"
    # One finding per scalar, at the first character: line 3, column 10.
    assert findings(text) == [("ICX013", 3, 10)]


@pytest.mark.parametrize(
    "char",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
    ],
)
def test_F7_each_listed_character_is_a_finding_in_plain_text(char: str) -> None:
    assert findings(f"title: a{char}b\n") == [("ICX013", 1, 9)]


def test_F7_a_byte_order_mark_at_the_start_is_fine_elsewhere_not() -> None:
    assert findings("\ufeffid: x\n") == []
    assert findings("id: x\nnote: y\ufeffz\n") == [("ICX013", 2, 8)]


def test_F7_in_a_comment_it_is_still_a_finding() -> None:
    assert findings(f"id: x # {RLO} reversed\n") == [("ICX013", 1, 9)]


def test_F7_tabs_newlines_and_ordinary_unicode_are_not_findings() -> None:
    text = 'a: "tab\\there, newline\\n, é, ∑, ≥, 中文, עברית"\r\nb: |\n  x\ty\n'
    assert findings(text) == []


def test_F7_zero_width_space_inside_a_doi_is_a_finding(tmp_path: Path) -> None:
    mkov(tmp_path, reference=REFERENCE.replace('"10.1000/test"', f'"10.1000/te{ZWSP}st"'))
    code, found = check(tmp_path)
    assert ("ICX013", 7) in [(rule, line) for rule, line, _ in found]
    assert code == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # A space, a leading zero, and digits of another script ('\d' matched them).
        ("doi", "10.1000/a b", "DOI '10.1000/a b' is not of the form 10.NNNN/..."),
        ("pmid", "0123", "PMID '0123': a PMID has no leading zero"),
        ("pmid", "123\u0661", "PMID '123\u0661': a PMID is digits only"),  # Arabic-Indic 1
        ("pmcid", "PMC12\u0663", "PMCID 'PMC12\u0663' is not PMC + digits"),
    ],
)
def test_F7_identifiers_are_matched_whole_and_in_ascii(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    reference = REFERENCE + f'{field}: "{value}"\n'
    if field == "doi":
        reference = REFERENCE.replace('doi: "10.1000/test"', f'doi: "{value}"')
    mkov(tmp_path, reference=reference)
    assert check(tmp_path) == (1, [("ICX033", 7 if field == "doi" else 9, message)])


def test_F7_a_trailing_newline_does_not_pass_as_an_identifier(tmp_path: Path) -> None:
    mkov(tmp_path, reference=REFERENCE + 'pmid: "12345\\n"\n')
    code, found = check(tmp_path)
    assert [(rule, line) for rule, line, _ in found] == [("ICX033", 9)]
    assert code == 1


# --- F19 (low-severity list): messages that say what is wrong -------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            ".nan",
            "'outcomes.0.reported_percent' is not a number (.nan); write the figure, "
            "or leave it out",
        ),
        (
            ".inf",
            "'outcomes.0.reported_percent' is infinite (.inf); write the figure, or leave it out",
        ),
    ],
)
def test_F19_nan_and_inf_percent_say_so(tmp_path: Path, written: str, message: str) -> None:
    mkov(tmp_path, ("reported_percent: 20", f"reported_percent: {written}"))
    code, found = check(tmp_path)
    assert ("ICX021", 13, message) in found
    assert code == 1


def test_F19_pmid_with_a_leading_zero_says_leading_zero(tmp_path: Path) -> None:
    mkov(tmp_path, reference=REFERENCE + 'pmid: "0123"\n')
    assert check(tmp_path) == (1, [("ICX033", 9, "PMID '0123': a PMID has no leading zero")])


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-32", "UTF-32 (little-endian)"),
    ],
)
def test_F19_a_utf16_file_is_named_utf16(tmp_path: Path, encoding: str, name: str) -> None:
    # Python's "utf-16"/"utf-32" write a little-endian BOM; "-be"/"-le" write none.
    from icansctl.evidence.file_reader import read_file

    path = tmp_path / "ref.yaml"
    path.write_bytes(REFERENCE.encode(encoding))
    (finding,) = read_file(path, "ref.yaml").diagnostics
    assert (finding.rule, str(finding.location), finding.message) == (
        "ICX002",
        "ref.yaml:1:1",
        f"the file is {name}, not UTF-8; save it as UTF-8",
    )


def test_F19_latin1_is_still_not_utf8_at_its_byte(tmp_path: Path) -> None:
    from icansctl.evidence.file_reader import read_file

    path = tmp_path / "ref.yaml"
    path.write_bytes("id: x\ntitle: 'Caf\xe9'\n".encode("latin-1"))
    (finding,) = read_file(path, "ref.yaml").diagnostics
    assert (str(finding.location), finding.message) == ("ref.yaml:2:12", "byte 0xe9 is not UTF-8")


@pytest.mark.parametrize("text", ["id: x\n\ttitle: y\n", "a:\n\t- b\n", "a:\n  b: 1\n \tc: 2\n"])
def test_F19_tab_indentation_says_tabs_cannot_indent(text: str) -> None:
    parsed = parse_text(text, "x.yaml")
    (finding,) = parsed.diagnostics
    assert finding.rule == "ICX001"
    assert finding.message == "YAML syntax: tabs cannot indent YAML; indent with spaces"


def test_F19_tabs_inside_text_and_before_comments_are_fine() -> None:
    assert findings('a: "x\ty"\nb: c\t# note\nd: [1,\t2]\n') == []


def test_the_readme_rule_table_lists_every_rule_as_the_code_does() -> None:
    """The README's table is hand-kept: each rule's row must match RULES exactly."""
    from icansctl.diagnostics import RULES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ICX")]
    assert rows == [
        f"| {r.id} | {r.name} | {r.severity} | {r.summary.replace('|', '/')} |"
        for r in RULES.values()
    ]
