"""The `llamaprep` command: parses arguments and forwards to grader.*; nothing else.

Commands that do not grade never import torch (grader.grading is imported lazily).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from grader.bank import Bank, BankError, extra_banks_from_env, load_bank
from grader.i18n import resolve_lang, t
from grader.progress import Progress, ProgressError

app = typer.Typer(
    name="llamaprep",
    help="Interview prep for Llama internals — RoPE, RMSNorm, GQA — graded in your terminal.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

Lang = Annotated[Optional[str], typer.Option("--lang", help="Language: en or zh (default: $LLAMAPREP_LANG, else the locale).")]
Workspace = Annotated[
    Optional[str], typer.Option("--workspace", help="Your files' folder (default: $LLAMAPREP_WORKSPACE, else ./llamaprep-work).")
]
Banks = Annotated[Optional[list[str]], typer.Option("--bank", help="Extra bank folder (repeatable; also $LLAMAPREP_BANK).")]


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _bank(extra: Optional[list[str]]) -> Bank:
    try:
        return load_bank([*(extra or []), *extra_banks_from_env()])
    except BankError as exc:
        fail(str(exc))
        raise  # unreachable


def _best() -> dict:
    try:
        return Progress().best()
    except ProgressError as exc:
        err.print(f"warning: {exc}", highlight=False)
        return {}


def _targets(bank: Bank, names: list[str], started: list[str]) -> list[str]:
    """Question ids for ids and topics given on the command line (a topic means the
    questions of it that you started), in the order given."""
    ids: list[str] = []
    for name in names:
        if name in bank.questions:
            ids.append(name)
        elif name in bank.topic_names():
            mine = [q.id for q in bank.by_topic(name, kind="code") if q.id in started]
            if not mine:
                fail(f"you have not started any {name} question yet; run `llamaprep practice {name}` first")
            ids.extend(mine)
        else:
            fail(f"unknown question or topic {name!r} (see `llamaprep list`)")
    return list(dict.fromkeys(ids))


@app.command("list")
def list_(
    topic: Annotated[Optional[str], typer.Argument(help="Only this topic: rope, rmsnorm, gqa, llama.")] = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    """Show the bank: id, kind, difficulty, points and your best score."""
    from grader import render

    lng = resolve_lang(lang)
    b = _bank(bank)
    if topic is not None and topic not in b.topic_names():
        fail(f"unknown topic {topic!r}; topics: {', '.join(b.topic_names())}")
    questions = b.by_topic(topic)
    if not questions:
        out.print(t("list.empty", lng))
        return
    out.print(render.question_table(b, questions, _best(), lng, width=out.width))


@app.command()
def practice(
    topic_or_id: Annotated[str, typer.Argument(help="A topic (rope, rmsnorm, gqa, llama) or a question id.")],
    reset: Annotated[bool, typer.Option("--reset", help="Start over from the stub (your file is backed up first).")] = False,
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    """Read a question, beside the source's claim and the correction, and get its stub to fill in."""
    from grader import render
    from grader.schema import CodeQuestion
    from grader.workspace import workspace_dir, write_stub

    lng = resolve_lang(lang)
    b = _bank(bank)
    progress = Progress()
    if topic_or_id in b.questions:
        q = b.questions[topic_or_id]
        topic = q.topic
    elif topic_or_id in b.topic_names():
        topic = topic_or_id
        best = _best()
        code = b.by_topic(topic, kind="code")
        unsolved = [c for c in code if not (c.id in best and abs(best[c.id].score - best[c.id].max_score) < 1e-9)]
        if not code:
            fail(f"topic {topic!r} has no code questions")
        if not unsolved:
            out.print(t("practice.all_solved", lng, topic=topic))
        q = (unsolved or code)[0]
    else:
        fail(f"unknown topic or question {topic_or_id!r} (see `llamaprep list`)")
        return
    if topic in b.topics:
        out.print(render.topic_intro(b.topics[topic], lng))
    try:
        shown = progress.hints_shown(q.id)
    except ProgressError:
        shown = 0
    out.print(render.question_view(q, lng, shown))
    if not isinstance(q, CodeQuestion):
        out.print(f"`llamaprep quiz {q.topic}`")
        return
    ws = workspace_dir(workspace)
    try:
        path, what, backup = write_stub(ws, b, q.id, reset=reset)
    except OSError as exc:
        fail(f"cannot write your file in {ws}: {exc.strerror or exc}")
        return
    out.print()
    out.print(t("practice.kept" if what == "kept" else "practice.wrote", lng, path=path), style="bold")
    if backup is not None:
        out.print(t("practice.reset", lng, backup=backup))
    ws_flag = f" --workspace {workspace}" if workspace else ""
    out.print(t("practice.next", lng, command=f"llamaprep grade {q.id}{ws_flag}"))


@app.command()
def hint(
    question_id: Annotated[str, typer.Argument(help="The question id.")],
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    """Reveal the next hint of a question (the ones already shown are repeated)."""
    from rich.panel import Panel

    from grader.schema import CodeQuestion

    lng = resolve_lang(lang)
    b = _bank(bank)
    if question_id not in b.questions:
        fail(f"unknown question id {question_id!r} (see `llamaprep list`)")
    q = b.questions[question_id]
    hints = q.hints if isinstance(q, CodeQuestion) else []
    if not hints:
        out.print(t("hint.none", lng, id=q.id))
        return
    try:
        before = Progress().hints_shown(q.id)
        shown = Progress().reveal_hint(q.id, len(hints))
    except ProgressError as exc:
        fail(str(exc))
        return
    for n in range(1, shown + 1):
        style = "yellow" if n == shown and shown > before else "dim"
        out.print(Panel(hints[n - 1].get(lng), title=t("hint.title", lng, n=n, total=len(hints)), border_style=style))
    if shown == before:
        out.print(t("hint.all", lng, total=len(hints), id=q.id))


@app.command()
def grade(
    ids: Annotated[Optional[list[str]], typer.Argument(help="Question ids or topics (default: every question you started).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Grade this file, for the one question named.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, junit or gradescope.")] = "table",
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    """Grade your files against the hidden tests. Exit 0: full marks; 1: points lost; 2: could not run."""
    from grader.workspace import attempted, learner_file, workspace_dir

    lng = resolve_lang(lang)
    if fmt not in ("table", "json", "junit", "gradescope"):
        fail(f"unknown --format {fmt!r}; use table, json, junit or gradescope")
    b = _bank(bank)
    ws = workspace_dir(workspace)
    names = ids or []
    if file is not None:
        if len(names) != 1 or names[0] not in b.questions:
            fail("--file needs exactly one question id, e.g. `llamaprep grade rope-apply-interleaved --file my.py`")
        if not file.is_file():
            fail(f"no such file: {file}")
        targets = [(names[0], file)]
    else:
        started = attempted(ws, b)
        qids = _targets(b, names, started) if names else started
        if not qids:
            fail(t("grade.nothing", lng, workspace=ws))
        targets = []
        for qid in qids:
            path = learner_file(ws, b, qid)
            if not path.is_file():
                fail(f"no file for {qid} at {path}; run `llamaprep practice {qid}` first")
            targets.append((qid, path))
    from grader.grading import grade_submissions

    report = grade_submissions(bank=b, targets=targets)
    try:
        progress = Progress()
        for result in report.questions:
            progress.record_attempt(result.id, result.score, result.max_score)
    except ProgressError as exc:
        err.print(f"warning: {exc}", highlight=False)
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    else:
        from grader import render

        render.grade_report(out, report, b, lng)
    raise typer.Exit(0 if report.full_marks else 1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
