"""The `llamaprep` command: parses arguments and forwards to grader.*; nothing else.

Commands that do not grade never import torch (grader.grading.engine is imported lazily).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.bank import completion
from grader.bank.loader import Bank, BankError, extra_banks_from_env, load_bank
from grader.learner.progress import Progress, ProgressError
from grader.ui.strings import argv_lang, resolve_lang, t
from grader.ui.term import Console

# Help text is built when this module is imported, before typer parses --lang.
UI_LANG = resolve_lang(argv_lang(sys.argv))


def _h(key: str) -> str:
    return t(key, UI_LANG)


app = typer.Typer(
    name="llamaprep",
    help=_h("help.app"),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# The screens that do not grade write through grader.ui.term (rich.console alone would cost a
# third of the startup budget); the grading screens through rich (rich_out, rich_err).
out = Console()
err = Console(stderr=True)


def rich_out():
    from grader.ui.console import rich_console

    return rich_console(stderr=False)


def rich_err():
    from grader.ui.console import rich_console

    return rich_console(stderr=True)

def _known_lang(value: Optional[str]) -> Optional[str]:
    """--lang fr is an error, not English in silence (en_US, zh_CN and the like are fine)."""
    if value is not None and not value.lower().startswith(("en", "zh")):
        fail(t("err.lang", UI_LANG, value=value))
    return value


Lang = Annotated[Optional[str], typer.Option("--lang", help=_h("help.opt.lang"), callback=_known_lang)]
Workspace = Annotated[Optional[str], typer.Option("--workspace", help=_h("help.opt.workspace"))]
Banks = Annotated[Optional[list[str]], typer.Option("--bank", help=_h("help.opt.bank"))]
QuestionId = Annotated[str, typer.Argument(help=_h("help.arg.id"), autocompletion=completion.question_ids)]
CodeQuestionId = Annotated[str, typer.Argument(help=_h("help.arg.id"), autocompletion=completion.code_question_ids)]
# hint, watch and solution: without an id, the question last practised (grader.learner.workspace.current).
CurrentId = Annotated[Optional[str], typer.Argument(help=_h("help.arg.id_current"), autocompletion=completion.code_question_ids)]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("llamaprep")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown"
        out.print(f"llamaprep {number}")
        raise typer.Exit(0)


@app.callback()
def _everywhere(
    lang: Lang = None,
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version, help=_h("help.opt.version"))] = False,
) -> None:
    """`llamaprep --lang zh COMMAND` works as well as `llamaprep COMMAND --lang zh`."""
    from grader.ui.console import setup

    if lang:
        os.environ["LLAMAPREP_LANG"] = lang
    setup(out)


def fail(message: str, code: int = 2, lang: Optional[str] = None) -> None:
    from grader.ui.term import Text

    lng = lang or UI_LANG
    prefix = t("error.prefix", lng).lower() + ("：" if lng == "zh" else ":")
    err.print(Text.assemble((prefix, "bold red"), ("" if lng == "zh" else " ") + message), soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str, lang: Optional[str] = None) -> None:
    lng = lang or UI_LANG
    err.print(f"{t('warning.prefix', lng)}{'：' if lng == 'zh' else ': '}{message}", soft_wrap=True)


def _bank(extra: Optional[list[str]]) -> Bank:
    try:
        return load_bank([*(extra or []), *extra_banks_from_env()])
    except BankError as exc:
        fail(str(exc))
        raise  # unreachable


def _best(bank: Bank) -> dict:
    from grader.learner.progress import best_scores

    try:
        return best_scores(bank=bank, progress=Progress())
    except ProgressError as exc:
        warn(str(exc))
        return {}


def _current(bank: Bank, question_id: Optional[str], workspace: Optional[str], lng: str) -> str:
    """The id given, else the question last practised in the workspace."""
    if question_id is not None:
        return question_id
    from grader.learner.workspace import current, workspace_dir

    qid = current(workspace_dir(workspace), bank)
    if qid is None:
        fail(t("err.no_current", lng), lang=lng)
    return qid


def _question(bank: Bank, question_id: str, lng: str):
    if question_id not in bank.questions:
        _unknown("err.unknown_id", question_id, bank, lng)
    return bank.questions[question_id]


def _check_topic(bank: Bank, topic: Optional[str], lng: str) -> None:
    if topic is not None and topic not in bank.topic_names():
        fail(t("err.unknown_topic", lng, topic=topic, topics=", ".join(bank.topic_names())) + _did_you_mean(topic, bank.topic_names(), lng), lang=lng)


def _did_you_mean(name: str, choices, lng: str) -> str:
    from grader.bank.suggest import close_names

    near = close_names(name, choices)
    return t("err.did_you_mean", lng, names=", ".join(near)) if near else ""


def _unknown(key: str, name: str, bank: Bank, lng: str) -> None:
    """Fails with ``key``'s message about ``name`` and the ids (or topics, where a topic is
    taken) it may be a typo of."""
    choices = [*bank.questions, *([] if key == "err.unknown_id" else bank.topic_names())]
    fail(t(key, lng, id=name, name=name) + _did_you_mean(name, choices, lng), lang=lng)


def _targets(bank: Bank, names: list[str], started: list[str]) -> list[str]:
    """Question ids for ids and topics given on the command line (a topic means the
    questions of it that you started), in the order given."""
    from grader.bank.names import NothingStarted, UnknownName, question_ids

    try:
        return question_ids(bank, names, among=started)
    except UnknownName as exc:
        _unknown("err.unknown_name", exc.name, bank, UI_LANG)
    except NothingStarted as exc:
        fail(t("err.not_started", UI_LANG, topic=exc.topic))
    raise AssertionError("unreachable")  # fail() exits


@app.command("list", help=_h("help.list"))
def list_(
    topic: Annotated[Optional[str], typer.Argument(help=_h("help.arg.topic"), autocompletion=completion.topics)] = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.ui import render

    lng = resolve_lang(lang)
    b = _bank(bank)
    _check_topic(b, topic, lng)
    questions = b.by_topic(topic)
    if not questions:
        out.print(t("list.empty", lng))
        return
    out.print(render.question_table(b, questions, _best(b), lng, width=out.width))


@app.command(help=_h("help.practice"))
def practice(
    topic_or_id: Annotated[str, typer.Argument(help=_h("help.arg.topic_or_id"), autocompletion=completion.topics_and_ids)],
    reset: Annotated[bool, typer.Option("--reset", help=_h("help.opt.reset"))] = False,
    edit: Annotated[bool, typer.Option("--edit", help=_h("help.opt.edit"))] = False,
    intro: Annotated[bool, typer.Option("--intro", help=_h("help.opt.intro"))] = False,
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.bank.schema import CodeQuestion
    from grader.learner.practice import background_due
    from grader.learner.workspace import set_current, workspace_dir, write_stub
    from grader.ui.practice_view import practice_screen

    lng = resolve_lang(lang)
    b = _bank(bank)
    progress = Progress()
    if topic_or_id in b.questions:
        q = b.questions[topic_or_id]
        topic = q.topic
    elif topic_or_id in b.topic_names():
        topic = topic_or_id
        from grader.learner.mastery import next_code_question

        code = b.by_topic(topic, kind="code")
        if not code:
            fail(t("err.no_code", lng, topic=topic), lang=lng)
        qid = next_code_question(bank=b, topic=topic, best=_best(b))  # what `progress` suggests
        if qid is None:
            out.print(t("practice.all_solved", lng, topic=topic))
        q = b.questions[qid] if qid else code[0]
    else:
        _unknown("err.unknown_name", topic_or_id, b, lng)
        return
    if not isinstance(q, CodeQuestion):
        # Its question, choices and correction are the quiz itself: asked there, not shown here.
        out.print(t("practice.quiz_item", lng, id=q.id))
        return
    try:
        shown = progress.hints_shown(q.id)
        answered = set(progress.quiz_best())
    except ProgressError:
        shown, answered = 0, set()
    ws = workspace_dir(workspace)
    show_background = intro or background_due(bank=b, workspace=ws, topic=topic, answered=answered)
    try:
        path, what, backup = write_stub(ws, b, q.id, reset=reset)
    except IsADirectoryError as exc:
        fail(t("err.file_is_folder", lng, path=exc.filename), lang=lng)
        return
    except OSError as exc:
        fail(t("err.write_stub", lng, workspace=ws, reason=exc.strerror or exc), lang=lng)
        return
    set_current(ws, q.id)
    ws_flag = f" --workspace {workspace}" if workspace else ""
    out.print(practice_screen(
        q, lng, hints_shown=shown, path=path, kept=what == "kept", backup=backup,
        grade_command=f"llamaprep grade {q.id}{ws_flag}", topic=b.topics.get(topic), show_background=show_background,
        background_hint=None if show_background else t("practice.background_hint", lng, id=q.id, topic=topic),
    ))
    if edit:
        _edit(path, lng)


def _edit(path: Path, lng: str) -> None:
    from grader.learner.editor import EditorError, editor_command, open_in_editor

    if editor_command() is None:
        fail(t("err.no_editor", lng, path=path), lang=lng)
    try:
        open_in_editor(path)
    except EditorError as exc:
        fail(t("err.editor_failed", lng, editor=" ".join(editor_command() or []), reason=exc), lang=lng)


@app.command(help=_h("help.hint"))
def hint(
    question_id: CurrentId = None,
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.bank.schema import CodeQuestion
    from grader.ui.term import Panel

    lng = resolve_lang(lang)
    b = _bank(bank)
    q = _question(b, _current(b, question_id, workspace, lng), lng)
    hints = q.hints if isinstance(q, CodeQuestion) else []
    if not hints:
        out.print(t("hint.none", lng, id=q.id))
        return
    try:
        progress = Progress()
        before = progress.hints_shown(q.id)
        shown = progress.reveal_hint(q.id, len(hints))
    except ProgressError as exc:
        fail(str(exc), lang=lng)
        return
    for n in range(1, shown + 1):
        style = "yellow" if n == shown and shown > before else "dim"
        out.print(Panel(hints[n - 1].get(lng), title=t("hint.title", lng, n=n, total=len(hints)), border_style=style))
    if shown == before:
        out.print(t("hint.all", lng, total=len(hints), id=q.id))


def _grade_class(b: Bank, folder: Path, names: list[str], fmt: str, jobs: Optional[int], lng: str, require_isolation: bool = False) -> None:
    """`grade --submissions DIR`: a class, graded in parallel; exits."""
    from grader.bank.names import UnknownName, question_ids
    from grader.instructor.classroom import find_submissions, grade_class
    from grader.report.formats import class_text
    from grader.ui import instructor_view as render_instructor

    if fmt not in ("table", "csv", "json", "junit"):
        fail(t("err.format", lng, fmt=fmt, choices="table, csv, json, junit"), lang=lng)
    if not folder.is_dir():
        fail(t("err.no_folder", lng, option="--submissions", path=folder), lang=lng)
    try:
        qids = question_ids(b, names) if names else None
    except UnknownName as exc:
        _unknown("err.unknown_name", exc.name, b, lng)
    except BankError as exc:
        fail(str(exc))
    found, ignored = find_submissions(bank=b, folder=folder, question_ids=qids)
    for name in ignored:
        warn(t("class.stray", lng, path=folder / name), lng)
    if not found:
        fail(t("class.none", lng, folder=folder), lang=lng)
    from grader.report.safe_text import clean_objects
    from grader.sandbox.isolation import IsolationRequired, confined_zygote

    try:
        with confined_zygote(require=require_isolation) as (zygote, isolation), render_instructor.progress_bar(rich_err(), "grading", len(found)) as advance:
            report = grade_class(zygote=zygote, bank=b, folder=folder, submissions=found, question_ids=qids, workers=jobs, progress=advance)
    except IsolationRequired as exc:
        fail(str(exc))
    report.ignored = ignored
    report.isolation = isolation
    clean_objects(report)  # every renderer below sees printable text only (grader.report.safe_text)
    if fmt == "table":
        from grader.ui.doctor_view import isolation_line

        render_instructor.class_table(rich_out(), report, lng)
        isolation_line(rich_out(), report.isolation, lng)
    else:
        sys.stdout.write(class_text(report, fmt))
    failed = [q for s in report.students for q in s.questions if q.failure is not None]
    if failed:  # the grader failed, not the students (a broken bank): one line, exit 2
        fail(_failure_line(failed[0], lng), lang=lng)
    raise typer.Exit(0 if report.full_marks else 1)


@app.command(help=_h("help.grade"))
def grade(
    ids: Annotated[Optional[list[str]], typer.Argument(help=_h("help.arg.ids"), autocompletion=completion.topics_and_ids)] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help=_h("help.opt.file"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=_h("help.opt.format"))] = "table",
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
    submissions: Annotated[Optional[Path], typer.Option("--submissions", help=_h("help.opt.submissions"))] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help=_h("help.opt.jobs"))] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=_h("help.opt.verbose"))] = False,
    require_isolation: Annotated[
        bool, typer.Option("--require-isolation", help="refuse to grade unless the kernel fully confines every submission (see `llamaprep doctor`)")
    ] = False,
) -> None:
    from grader.bank import cache
    from grader.learner.workspace import attempted, learner_file, workspace_dir

    cache.distrust()  # grading parses the bank afresh: a poisoned cache cannot grade (grader.bank.cache)
    lng = resolve_lang(lang)
    if submissions is not None:
        _grade_class(_bank(bank), submissions, ids or [], fmt, jobs, lng, require_isolation)
    if fmt not in ("table", "json", "junit", "gradescope"):
        fail(t("err.format", lng, fmt=fmt, choices="table, json, junit, gradescope"), lang=lng)
    b = _bank(bank)
    ws = workspace_dir(workspace)
    names = ids or []
    if file is not None:
        if len(names) != 1 or names[0] not in b.questions:
            fail(t("err.file_needs_id", lng), lang=lng)
        _gradable(b, names, lng)
        if file.is_dir():
            fail(t("err.file_option_folder", lng, path=file), lang=lng)
        if not file.is_file():
            fail(t("err.no_such_file", lng, path=file), lang=lng)
        targets = [(names[0], file)]
    else:
        started = attempted(ws, b)
        qids = _targets(b, names, started) if names else started
        if not qids:
            fail(t("grade.nothing", lng, workspace=ws))
        _gradable(b, qids, lng)
        targets = []
        for qid in qids:
            path = learner_file(ws, b, qid)
            if path.is_dir():
                fail(t("err.file_is_folder", lng, path=path), lang=lng)
            if not path.is_file():
                fail(t("err.no_file", lng, id=qid, path=path), lang=lng)
            targets.append((qid, path))
    from grader.grading.engine import grade_submissions
    from grader.report.safe_text import clean_objects
    from grader.sandbox.isolation import IsolationRequired, confined_zygote

    try:
        with confined_zygote(require=require_isolation) as (zygote, isolation):
            report = grade_submissions(bank=b, targets=targets, jobs=jobs, zygote=zygote)
    except IsolationRequired as exc:
        fail(str(exc))
    report.isolation = isolation
    clean_objects(report)  # every renderer below sees printable text only (grader.report.safe_text)
    try:
        progress = Progress()
        for result in report.questions:
            progress.record_attempt(result.id, result.score, result.max_score)
    except ProgressError as exc:
        warn(str(exc), lng)
    if fmt != "table":
        from grader.report.formats import report_text

        sys.stdout.write(report_text(report, fmt))
    else:
        from grader.ui import grade_view
        from grader.ui.doctor_view import isolation_line

        isolation_line(rich_out(), report.isolation, lng, verbose)  # above the table: the summary stays the last thing on screen
        grade_view.grade_report(rich_out(), report, b, lng, verbose=verbose)
    if report.failures:  # the grader failed, not the learner: nothing of it was recorded
        fail(_failure_line(report.failures[0], lng), lang=lng)
    raise typer.Exit(0 if report.full_marks else 1)


def _gradable(b: Bank, qids: list[str], lng: str) -> None:
    """Exit 2 when a named question is not graded from a file (a quiz question)."""
    from grader.grading.reasons import not_gradable
    from grader.report.reasons import render

    for qid in qids:
        why = not_gradable(b.questions[qid])
        if why is not None:
            fail(render(why, lng), lang=lng)


def _failure_line(result, lng: str) -> str:
    from grader.report.reasons import failure_line

    return failure_line(result.id, result.failure, lng)


@app.command(help="What this machine's kernel offers to confine submissions, and what `grade` will use.")
def doctor() -> None:
    from grader.sandbox.doctor import diagnose
    from grader.ui.doctor_view import doctor_view

    report = diagnose()
    doctor_view(rich_out(), report)
    raise typer.Exit(0 if report.isolation.get("level") == "full" else 1)


@app.command(help=_h("help.quiz"))
def quiz(
    topic: Annotated[Optional[str], typer.Argument(help=_h("help.arg.topic_or_quiz"), autocompletion=completion.topics_and_ids)] = None,
    ids: Annotated[Optional[list[str]], typer.Option("--id", help=_h("help.opt.quiz_id"), autocompletion=completion.question_ids)] = None,
    retry_missed: Annotated[bool, typer.Option("--retry-missed", help=_h("help.opt.retry_missed"))] = False,
    shuffle: Annotated[bool, typer.Option("--shuffle", help=_h("help.opt.shuffle"))] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", help=_h("help.opt.seed"))] = None,
    count: Annotated[Optional[int], typer.Option("--count", help=_h("help.opt.count"))] = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.learner.quiz import choice_order, missed_last_time, select_questions
    from grader.ui.quiz_view import run_quiz

    lng = resolve_lang(lang)
    b = _bank(bank)
    wanted = list(ids or [])
    if topic is not None and topic in b.questions:  # `quiz rope-quiz-acronym`: one question
        wanted.append(topic)
        topic = None
    _check_topic(b, topic, lng)
    for qid in wanted:
        if qid not in b.questions:
            _unknown("err.unknown_id", qid, b, lng)
        if b.questions[qid].kind != "quiz":
            fail(t("err.not_quiz", lng, id=qid), lang=lng)
    if count is not None and count < 1:
        fail(t("err.count", lng), lang=lng)
    progress = Progress()
    if retry_missed:
        try:
            missed = missed_last_time(progress.quiz_history())
        except ProgressError as exc:
            fail(str(exc), lang=lng)
        wanted = [qid for qid in missed if not wanted or qid in wanted]
        if not [qid for qid in wanted if topic is None or b.questions.get(qid) and b.questions[qid].topic == topic]:
            out.print(t("quiz.nothing_missed", lng, where=f" ({topic})" if topic else ""))
            return
    warned: list[str] = []  # a broken progress store is said once, not after every answer
    try:
        history = progress.quiz_history()  # spaced repetition: what is due comes first
    except ProgressError as exc:
        warned.append(str(exc))
        warn(str(exc), lng)
        history = {}
    questions = select_questions(bank=b, topic=topic, count=count, shuffle=shuffle or seed is not None, seed=seed, ids=wanted or None,
                                 history=history)
    if not questions:
        out.print(t("quiz.none", lng))
        return

    def record(answer) -> None:
        try:
            progress.record_quiz(answer.question, answer.given, answer.correct)
        except ProgressError as exc:
            if not warned:  # once, not after every answer
                warned.append(str(exc))
                warn(str(exc), lng)

    out.print(t("quiz.intro", lng, total=len(questions)), style="dim")
    orders = {q.id: choice_order(q, seed) for q in questions}
    run = run_quiz(console=out, questions=questions, lang=lng, stream=sys.stdin, tty=sys.stdin.isatty(), record=record, orders=orders)
    raise typer.Exit(130 if run.interrupted else 0)


@app.command(help=_h("help.corrections"))
def corrections(
    topic: Annotated[Optional[str], typer.Argument(help=_h("help.arg.topic_or_claim"), autocompletion=completion.topics)] = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.bank.corrections import collect
    from grader.bank.schema import MYTH_IDS
    from grader.ui.corrections_view import corrections_view

    lng = resolve_lang(lang)
    b = _bank(bank)
    claim = topic.upper() if topic is not None and topic.upper() in MYTH_IDS else None  # `corrections S7`
    if claim is None:
        _check_topic(b, topic, lng)
    items = [c for c in collect(b) if c.myth == claim] if claim else collect(b, topic)
    if not items:
        out.print(t("corrections.none", lng, topic=topic))
        return
    out.print(corrections_view(items, lng))


@app.command(help=_h("help.progress"))
def progress(
    reset: Annotated[bool, typer.Option("--reset", help=_h("help.opt.progress_reset"))] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_h("help.opt.yes"))] = False,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    lng = resolve_lang(lang)
    store = Progress()
    if reset:
        if not yes and not typer.confirm(t("progress.reset_confirm", lng, path=store.path), default=False):
            out.print(t("progress.reset_kept", lng))
            raise typer.Exit(1)
        try:
            store.reset()
        except ProgressError as exc:
            fail(str(exc), lang=lng)
        out.print(t("progress.reset_done", lng))
        return
    from grader.learner.mastery import summarize
    from grader.ui.progress_view import progress_view

    b = _bank(bank)
    try:
        summary = summarize(bank=b, progress=store)
    except ProgressError as exc:
        fail(str(exc), lang=lng)
        return
    out.print(progress_view(summary, lng, width=out.width))


@app.command(help=_h("help.watch"))
def watch(
    question_id: CurrentId = None,
    poll: Annotated[bool, typer.Option("--poll", help=_h("help.opt.poll"))] = False,
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.bank.schema import CodeQuestion
    from grader.learner.workspace import learner_file, workspace_dir

    lng = resolve_lang(lang)
    b = _bank(bank)
    question_id = _current(b, question_id, workspace, lng)
    if not isinstance(_question(b, question_id, lng), CodeQuestion):
        fail(t("err.watch_code", lng, id=question_id), lang=lng)
    path = learner_file(workspace_dir(workspace), b, question_id)
    if not path.is_file():
        fail(t("err.no_file", lng, id=question_id, path=path), lang=lng)
    from grader.learner.watch import watch_question
    from grader.ui import grade_view

    store = Progress()

    def on_result(result, n: int) -> None:
        try:
            if result.failure is None:  # a question the grader could not grade is no attempt of the learner's
                store.record_attempt(result.id, result.score, result.max_score)
        except ProgressError as exc:
            warn(str(exc), lng)
        grade_view.watch_screen(rich_out(), result, b, lng, path=path, number=n, poll=poll)

    try:
        watch_question(
            bank=b, question_id=question_id, path=path, poll=poll,
            on_grading=lambda: out.print(t("watch.grading", lng), style="dim"), on_result=on_result,
        )
    except KeyboardInterrupt:
        out.print()
        out.print(t("watch.stopped", lng))  # Ctrl-C is how a watch ends: not an error


@app.command(help=_h("help.solution"))
def solution(
    question_id: CurrentId = None,
    force: Annotated[bool, typer.Option("--force", help=_h("help.opt.force"))] = False,
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.grading.results import is_full_marks
    from grader.learner.solution import reference_of
    from grader.ui import render
    from grader.ui.solution_view import print_solution

    lng = resolve_lang(lang)
    b = _bank(bank)
    q = _question(b, _current(b, question_id, workspace, lng), lng)
    if q.kind != "code":
        fail(t("solution.not_code", lng, id=q.id, topic=q.topic), lang=lng)
    best = _best(b).get(q.id)
    full = best is not None and is_full_marks(best.score, best.max_score)
    if not full and not force:
        score = f"{render.fmt_points(best.score)}/{render.fmt_points(best.max_score)}" if best else t("solution.never", lng)
        fail(t("solution.locked", lng, id=q.id, score=score), code=1, lang=lng)
    try:
        ref = reference_of(bank=b, question_id=q.id)
    except (OSError, ValueError) as exc:
        fail(str(exc), lang=lng)
        return
    print_solution(out, ref, lng)


def _instructor_banks(bank: Optional[list[str]]) -> list[str]:
    """--bank folders, else $LLAMAPREP_BANK's; each must be a folder (one-line error otherwise)."""
    dirs = [*(bank or [])] or extra_banks_from_env()
    for d in dirs:
        if not Path(d).is_dir():
            fail(t("err.no_folder", UI_LANG, option="--bank", path=d))
    return dirs


@app.command(help=_h("help.validate"))
def validate(bank: Banks = None) -> None:
    from grader.instructor.validate import validate_bank
    from grader.ui import instructor_view as render_instructor

    report = validate_bank(banks=_instructor_banks(bank), progress=lambda msg: err.print(f"validate {msg}"))
    render_instructor.validate_report(rich_out(), report, resolve_lang(None))
    raise typer.Exit(0 if report.ok else 1)


@app.command(help=_h("help.new"))
def new(
    question_id: Annotated[str, typer.Argument(help=_h("help.arg.new_id"))],
    topic: Annotated[str, typer.Option("--topic", help=_h("help.opt.topic_new"))],
    bank: Annotated[Optional[list[str]], typer.Option("--bank", help=_h("help.opt.new_bank"))] = None,
) -> None:
    from grader.instructor.scaffold import ScaffoldError, scaffold_question

    # `new ID --topic TOPIC` (README) needs no folder: --bank, else $LLAMAPREP_BANK, else the
    # current folder becomes (or already is) the bank.
    dirs = [*(bank or [])] or extra_banks_from_env() or ["."]
    try:
        paths = scaffold_question(qid=question_id, topic=topic, bank_dir=Path(dirs[0]))
    except (ScaffoldError, OSError) as exc:
        fail(str(exc))
        return
    for path in paths:
        out.print(t("new.wrote", UI_LANG, path=path))
    out.print(t("new.next", UI_LANG, bank=dirs[0]))


@app.command(help=_h("help.export"))
def export(
    target: Annotated[str, typer.Argument(help=_h("help.arg.target"))],
    ids: Annotated[list[str], typer.Argument(help=_h("help.arg.export_ids"), autocompletion=completion.topics_and_ids)],
    output: Annotated[Path, typer.Option("-o", "--output", help=_h("help.opt.output"))] = Path("autograder.zip"),
    bank: Banks = None,
) -> None:
    from grader.bank.names import UnknownName, question_ids
    from grader.instructor.gradescope import ExportError, export_bundle

    if target != "gradescope":
        fail(t("err.export_target", UI_LANG, target=target))
    b = _bank(bank)
    try:
        path = export_bundle(bank=b, question_ids=question_ids(b, ids), output=output)
    except UnknownName as exc:
        _unknown("err.unknown_name", exc.name, b, UI_LANG)
        return
    except (ExportError, BankError, OSError) as exc:
        fail(str(exc))
        return
    out.print(t("export.wrote", UI_LANG, path=path))


@app.command(help=_h("help.interview"))
def interview(
    topics: Annotated[Optional[list[str]], typer.Argument(help=_h("help.arg.topic"), autocompletion=completion.topics)] = None,
    minutes: Annotated[float, typer.Option("--minutes", min=0, help=_h("help.opt.minutes"))] = 30.0,
    seed: Annotated[Optional[int], typer.Option("--seed", help=_h("help.opt.seed"))] = None,
    code: Annotated[Optional[list[str]], typer.Option("--code", help=_h("help.opt.code"))] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help=_h("help.opt.report"))] = None,
    concept: Annotated[int, typer.Option("--concept", min=0, help=_h("help.opt.concept"))] = 4,
    coding: Annotated[Optional[int], typer.Option("--coding", min=0, help=_h("help.opt.coding"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=_h("help.opt.format"))] = "table",
    workspace: Workspace = None,
    lang: Lang = None,
    bank: Banks = None,
) -> None:
    from grader.learner.workspace import workspace_dir
    from grader.ui.interview_view import interview_command

    lng = resolve_lang(lang)
    b = _bank(bank)
    for topic in topics or []:
        _check_topic(b, topic, lng)
    if fmt not in ("table", "json"):
        fail(f"unknown --format {fmt!r}; use table or json")
    codes: dict[str, Path] = {}
    for item in code or []:
        qid, sep, path = item.partition("=")
        if not sep or not qid or not path:
            fail(t("err.code_option", lng, value=item), lang=lng)
        if qid not in b.questions or b.questions[qid].kind != "code":
            fail(t("err.unknown_id", lng, id=qid), lang=lng)
        if not Path(path).is_file():
            fail(f"--code {qid}: no such file: {path}")
        codes[qid] = Path(path)
    raise typer.Exit(interview_command(
        bank=b, topics=topics or [], minutes=minutes, seed=seed, codes=codes, report_path=report, fmt=fmt, lang=lng,
        workspace=workspace_dir(workspace), console=rich_out(), err=rich_err(), concept_count=concept, coding_count=coding,
    ))


def _localize_cli(args: list[str]) -> list[str]:
    """The command line as typer should see it: `llamaprep --lang zh` alone shows the help,
    as `llamaprep` does (typer's no_args_is_help counts --lang as an argument)."""
    rest = [a for i, a in enumerate(args) if a != "--lang" and not a.startswith("--lang=") and (i == 0 or args[i - 1] != "--lang")]
    if not rest:  # and both print it on stdout with exit 0 (click's no-args help is an error)
        args = [*args, "--help"]
    return args


def main() -> None:
    try:
        args = _localize_cli(sys.argv[1:])
        from grader.ui.commands import keep_only_invoked

        keep_only_invoked(app, args, completing=any(k.endswith("_COMPLETE") for k in os.environ))  # typer builds only what runs
        if UI_LANG == "zh":
            from grader.ui import click_zh

            # click's own words and layout in Chinese too (its usage and error lines).
            click_zh.install()
            click_zh.short_helps(app)
            raise SystemExit(click_zh.run(app, args))
        if not args or "-h" in args or "--help" in args:
            from grader.ui import click_zh

            click_zh.install_formatter("en")  # click's help never narrower than 50 columns otherwise
            click_zh.short_helps(app)
        app(args=args)
        code = 0
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or 0
    if "torch" in sys.modules:
        # Everything is written and committed by now; tearing down an interpreter that
        # loaded torch takes ~0.5 s and does nothing for the user, so skip it.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a reader that went away (`| head`)
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    main()
