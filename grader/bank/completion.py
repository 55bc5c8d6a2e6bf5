"""Shell completion of question ids and topics, from file names alone.

Completion runs on every Tab press, so it lists `questions/<topic>/<id>.yaml` without
reading or validating any YAML.
"""

from __future__ import annotations

from pathlib import Path

from grader.bank.loader import builtin_bank_dir, extra_banks_from_env


def _yaml_files() -> list[Path]:
    files: list[Path] = []
    for root in [builtin_bank_dir(), *map(Path, extra_banks_from_env())]:
        files.extend(p for p in (root / "questions").glob("*/*.yaml") if not p.name.startswith("_"))
    return files


def question_ids(incomplete: str = "") -> list[str]:
    return sorted({p.stem for p in _yaml_files() if p.stem.startswith(incomplete)})


def code_question_ids(incomplete: str = "") -> list[str]:
    """Ids that have a stub beside their YAML, i.e. code questions."""
    return sorted({p.stem for p in _yaml_files() if p.stem.startswith(incomplete) and p.with_name(p.stem.replace("-", "_") + ".py").exists()})


def topics(incomplete: str = "") -> list[str]:
    return sorted({p.parent.name for p in _yaml_files() if p.parent.name.startswith(incomplete)})


def topics_and_ids(incomplete: str = "") -> list[str]:
    return topics(incomplete) + question_ids(incomplete)
