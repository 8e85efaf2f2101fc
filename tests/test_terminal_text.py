"""Evidence text reaches the terminal literally: Rich markup in data is never interpreted."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icansctl.evidence.base import EvidenceBase
from icansctl.evidence.model_types import Claim
from icansctl.render.terminal import make_console
from icansctl.render.terminal_show import show_renderable
from icansctl.views.show import show_view

from .conftest import minimal_strategy, run_cli, write_yaml

MARKUP = "IL-1[beta] drives [/x] and [bold]not bold[/bold] :smile: [link=x]y[/link]"


def test_markup_like_text_prints_as_written(tmp_path: Path) -> None:
    write_yaml(tmp_path / "strategies" / "marked.yaml", minimal_strategy("marked", MARKUP))
    result = run_cli("show", "marked", "--evidence", str(tmp_path), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert MARKUP in result.stdout


# Printable text without line breaks or tabs (a terminal renders those as layout),
# and without leading/trailing spaces (Rich trims those at line ends).
claim_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn", "Mn", "Me", "Cf"),
            blacklist_characters="\t\r\n\x0b\x0c",
        ),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool)
    .filter(lambda t: "  " not in t)
)


@pytest.mark.slow
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(text=claim_text)
def test_any_claim_text_reaches_the_terminal_unchanged(
    bundled_base: EvidenceBase, text: str
) -> None:
    base = bundled_base
    strategy = base.strategies["anakinra"]
    first = strategy.summary[0]
    changed = strategy.model_copy(
        update={"summary": [Claim(text=text, cite=first.cite), *strategy.summary[1:]]}
    )
    view = show_view(base, changed)
    buffer = StringIO()
    make_console(file=buffer, width=100_000, color=False).print(show_renderable(view))
    assert text in buffer.getvalue()
