"""The ``show`` view in the terminal: one strategy's regimens, studies and figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table

if TYPE_CHECKING:
    pass
from ..views.common import Figure, StudyView
from ..views.effects import EffectView
from ..views.show import ShowView
from .terminal import Text, bullets, claim_text, claims, indented, overrides_notice, references
from .terminal_certainty import certainty_block

STUDY_TABLE_MIN_WIDTH = 140  # below this a six-column figure table breaks words


def _figure_source(figure: Figure) -> str:
    source = "; ".join(c.label for c in figure.citations)
    if figure.via:
        source += f"; via [{figure.via_number}]"
    return source


def _figure_grading(figure: Figure) -> str:
    return "; ".join(x for x in (figure.grading_label, figure.definition, figure.time_point) if x)


def _figures_table(study: StudyView, endpoint_labels: dict[str, str]) -> Table:
    table = Table(box=box.SIMPLE, show_header=True, pad_edge=False)
    for name in ("Endpoint", "Arm", "Result", "95% CI", "Grading / time", "Source"):
        table.add_column(name, overflow="fold")
    for figure in study.figures:
        source = _figure_source(figure)
        table.add_row(
            Text(endpoint_labels.get(figure.endpoint, figure.endpoint)),
            Text(figure.arm),
            Text(figure.value_text + figure.markers),
            Text(figure.ci_text or "no N"),
            Text(_figure_grading(figure)),
            Text(source + (f"\nNote: {figure.note}" if figure.note else "")),
        )
    return table


def _figures_blocks(study: StudyView, endpoint_labels: dict[str, str]) -> list[RenderableType]:
    """One short block per figure: the number first, then what it means and its source."""
    blocks: list[RenderableType] = []
    for figure in study.figures:
        head = Text(endpoint_labels.get(figure.endpoint, figure.endpoint), style="bold")
        head.append(f" ({figure.arm})")
        blocks.append(indented(head, 2))
        value = Text(figure.value_text + figure.markers, style="bold")
        value.append(f"   95% CI {figure.ci_text}" if figure.ci_text else "   no N: no CI")
        lines: list[Text] = [value]
        grading = _figure_grading(figure)
        if grading:
            lines.append(Text(grading))
        lines.append(Text("Source: " + _figure_source(figure)))
        if figure.note:
            lines.append(Text("Note: " + figure.note, style="dim"))
        blocks.extend(indented(line, 4) for line in lines)
    return blocks


class _StudyBlock:
    """A study in `show`: design and population, then its figures as a table where
    the terminal is wide enough, else as one block per figure."""

    def __init__(self, study: StudyView, endpoint_labels: dict[str, str]) -> None:
        self.study = study
        self.endpoint_labels = endpoint_labels

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        study = self.study
        yield Text(f"\n{study.name} [{study.reference_number}]", style="bold")
        yield indented(Text(f"{study.design}. {study.design_summary}"))
        population = [study.disease, study.product]
        counts = [
            f"{label} {value}"
            for label, value in (
                ("enrolled", study.enrolled),
                ("treated", study.treated),
                ("evaluable", study.evaluable),
            )
            if value is not None
        ]
        yield indented(Text("Population: " + "; ".join(population + counts)))
        if study.follow_up:
            yield indented(Text(f"Follow-up: {study.follow_up}"))
        if study.registration:
            yield indented(Text("Registration: " + ", ".join(study.registration)))
        if study.figures:
            yield Text("")
            if options.max_width >= STUDY_TABLE_MIN_WIDTH:
                yield indented(_figures_table(study, self.endpoint_labels))  # type: ignore[arg-type]
            else:
                yield from _figures_blocks(study, self.endpoint_labels)
        if study.effects:
            yield Text("  Relative effects (the source's own estimates)", style="bold")
            for effect in study.effects:
                yield from _effect_lines(effect, self.endpoint_labels)
        for block in (
            claims("  Findings", study.findings, indent=4),
            claims("  Notes", study.notes, indent=4),
        ):
            if block is not None:
                yield block


def _effect_lines(effect: EffectView, endpoint_labels: dict[str, str]) -> list[RenderableType]:
    head = Text(endpoint_labels.get(effect.endpoint, effect.endpoint), style="bold")
    head.append(f" ({effect.intervention} vs {effect.comparator})")
    lines = [head, Text(effect.text)]
    lines.append(Text("Source: " + "; ".join(c.label for c in effect.citations)))
    if effect.note:
        lines.append(Text("Note: " + effect.note, style="dim"))
    return [indented(lines[0], 4), *(indented(line, 6) for line in lines[1:])]


def _trials_block(view: ShowView) -> RenderableType:
    parts: list[RenderableType] = [Text("\nTrials to watch", style="bold")]
    for trial in view.trials:
        head = Text(f"{trial.registration} ", style="bold")
        head.append(trial.name)
        parts.append(indented(head, 2))
        lines = [Text("Design: " + trial.design), Text("Status: " + trial.status_text)]
        if trial.study_name:
            lines.append(Text(f"Study here: {trial.study_name}"))
        if trial.note:
            lines.append(Text("Note: " + trial.note, style="dim"))
        lines.append(Text("Source: " + "; ".join(c.label for c in trial.citations)))
        parts.extend(indented(line, 4) for line in lines)
    return Group(*parts)


def _study_block(study: StudyView, endpoint_labels: dict[str, str]) -> RenderableType:
    return _StudyBlock(study, endpoint_labels)


def show_renderable(view: ShowView) -> RenderableType:
    """One strategy in full."""
    head = Text()
    head.append(view.name, style="bold magenta")
    if view.drug_class:
        head.append(f" ({view.drug_class})")
    head.append("\n")
    if view.aliases:
        head.append("Also: " + ", ".join(view.aliases) + "\n", style="dim")
    if view.targets:
        head.append("Acts on: " + ", ".join(label for _, label in view.targets) + "\n")
    head.append(view.currency.sentence + "\n", style="dim")
    parts: list[RenderableType] = [head]
    notice = overrides_notice(view.overrides)
    if notice is not None:
        parts.append(notice)
    for block in (claims("Summary", view.summary), claims("Mechanism", view.mechanism)):
        if block is not None:
            parts.append(block)
    parts.append(Text("\nRegimens", style="bold"))
    for regimen in view.regimens:
        name = Text(regimen.name, style="bold")
        if regimen.studies:
            name.append(f" (studies: {', '.join(regimen.studies)})", style="dim")
        parts.append(indented(name, 2))  # wrapped lines keep the indent
        parts.append(bullets((("•", claim_text(c)) for c in regimen.schedule), indent=4))
    parts.append(Text("\nStudies", style="bold"))
    for study in view.studies:
        parts.append(_study_block(study, view.endpoint_labels))
    for block in (claims("Status", view.status), claims("Caveats", view.caveats)):
        if block is not None:
            parts.append(block)
    if view.trials:
        parts.append(_trials_block(view))
    block = certainty_block(view.certainty, view.certainty_note)
    if block is not None:
        parts.append(block)
    parts.append(Text(""))
    parts.append(references(view.references))
    return Group(*parts)
