"""Every command's ``--help``: a description paragraph and examples that work on the shipped
scenario and experiment files."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import pytest

from sim.cli import build_parser, main
from sim.cli_help import HELP

REPO = Path(__file__).resolve().parents[2]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The parser of every subcommand, by name."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


COMMANDS = sorted(subcommands())


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def examples(text: str) -> list[str]:
    """The command lines under ``Examples:`` (continuation lines joined)."""
    block = text.split("\nExamples:\n", 1)[1]
    joined = block.replace("\\\n", " ")
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip()]


def commands_in(example: str) -> list[list[str]]:
    """The chansim commands of one example line (``a && b``, ``a | grep x``), as words."""
    words = shlex.split(example)
    out, current = [], []
    for word in [*words, "&&"]:
        if word in ("&&", "|", ";"):
            if current and current[0] == "chansim":
                out.append(current[1:])
            current = []
        else:
            current.append(word)
    return out


def test_every_command_has_help_text() -> None:
    """The table of help texts covers exactly the commands the parser has."""
    assert set(HELP) == set(COMMANDS)
    assert {"run", "validate", "sweep", "compare", "report", "list", "params", "dashboard"} <= (
        set(COMMANDS)
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_a_description_and_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``chansim COMMAND --help``: usage, a one-paragraph description, then ``Examples:`` with
    two or three command lines of this command."""
    text = help_text(command, capsys)
    assert text.startswith(f"usage: chansim {command}")
    description = text.split("\n\n")[1]
    assert len(description.split()) >= 15, description
    assert "\n\n" not in description.strip()
    assert description.strip().endswith(".")
    assert "\nExamples:\n" in text
    lines = examples(text)
    assert 2 <= len(lines) <= 3, lines
    for line in lines:
        assert [command] in [c[:1] for c in commands_in(line)], line


@pytest.mark.parametrize("command", COMMANDS)
def test_examples_name_shipped_files_and_parse(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every scenario or experiment file an example names exists in the repository, and every
    example is a valid command line."""
    for line in examples(help_text(command, capsys)):
        for words in commands_in(line):
            for word in words:
                if word.endswith(".yaml"):
                    assert (REPO / word).is_file(), (line, word)
                    assert word.startswith(("scenarios/", "experiments/")), (line, word)
            args = build_parser().parse_args(words)
            assert args.command == words[0]


def test_the_top_level_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "\nExamples:\n" in text
    for line in examples(text.split("\n\nchansim COMMAND --help")[0]):
        for word in shlex.split(line):
            if word.endswith(".yaml"):
                assert (REPO / word).is_file(), word


def test_scenario_examples_load(capsys: pytest.CaptureFixture[str]) -> None:
    """The overrides in the run, validate, compare and dashboard examples are real parameters
    (the scenarios load with them), and so are the sweep examples' changes."""
    from sim.experiments.plan import load_experiment
    from sim.loading import load_scenario

    checked = 0
    for command in ("run", "validate", "compare", "dashboard", "sweep"):
        for line in examples(help_text(command, capsys)):
            for words in commands_in(line):
                args = build_parser().parse_args(words)
                if command == "sweep":
                    plan = load_experiment(REPO / args.experiment, args.overrides)
                    assert plan.n_runs > 0
                    checked += 1
                    continue
                files = args.scenarios if command == "compare" else [Path(args.scenario)]
                for file in files:
                    if not str(file).endswith(".yaml"):
                        continue  # a dashboard lesson
                    seed, days = getattr(args, "seed", None), getattr(args, "days", None)
                    if command == "compare":
                        seed = None
                    load_scenario(REPO / file, args.overrides, seed=seed, days=days)
                    checked += 1
    assert checked >= 12
