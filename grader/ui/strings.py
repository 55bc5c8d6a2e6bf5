"""Interface strings in English and Chinese, in one place (tests check completeness)."""

from __future__ import annotations

import locale
import os
from typing import Optional

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    "col.id": {"en": "id", "zh": "编号"},
    "col.topic": {"en": "topic", "zh": "主题"},
    "col.kind": {"en": "kind", "zh": "类型"},
    "col.difficulty": {"en": "difficulty", "zh": "难度"},
    "col.points": {"en": "points", "zh": "分值"},
    "col.best": {"en": "best", "zh": "最好成绩"},
    "col.title": {"en": "title", "zh": "标题"},
    "col.case": {"en": "case", "zh": "测试用例"},
    "col.status": {"en": "status", "zh": "结果"},
    "col.details": {"en": "details", "zh": "说明"},
    "kind.code": {"en": "code", "zh": "编程"},
    "kind.quiz": {"en": "quiz", "zh": "测验"},
    "difficulty.easy": {"en": "easy", "zh": "简单"},
    "difficulty.medium": {"en": "medium", "zh": "中等"},
    "difficulty.hard": {"en": "hard", "zh": "困难"},
    "status.passed": {"en": "passed", "zh": "通过"},
    "status.failed": {"en": "failed", "zh": "未通过"},
    "status.error": {"en": "error", "zh": "出错"},
    "status.timeout": {"en": "timeout", "zh": "超时"},
    "status.forbidden": {"en": "forbidden", "zh": "禁用 API"},
    "status.crashed": {"en": "crashed", "zh": "崩溃"},
    "list.title": {"en": "The question bank", "zh": "题库"},
    "list.empty": {"en": "No questions match.", "zh": "没有匹配的题目。"},
    "practice.source_says": {"en": "The source article says", "zh": "原文的说法"},
    "practice.truth": {"en": "What is true", "zh": "事实"},
    "practice.sources": {"en": "Sources", "zh": "参考来源"},
    "practice.signature": {"en": "Signature", "zh": "函数签名"},
    "practice.hints": {"en": "Hints: {remaining} of {total} left — `llamaprep hint {id}` reveals the next.",
                       "zh": "提示：还剩 {remaining}/{total} 条 —— 运行 `llamaprep hint {id}` 查看下一条。"},
    "practice.hints_done": {"en": "Hints: all {total} revealed — `llamaprep hint {id}` shows them again.",
                            "zh": "提示：全部 {total} 条已显示 —— 运行 `llamaprep hint {id}` 再次查看。"},
    "practice.wrote": {"en": "Your file: {path}", "zh": "你的文件：{path}"},
    "practice.kept": {"en": "Your file (kept as you left it; --reset starts over): {path}",
                      "zh": "你的文件（保留你的修改；用 --reset 重新开始）：{path}"},
    "practice.reset": {"en": "Started over; your previous file was saved as {backup}",
                       "zh": "已重新开始；之前的文件已保存为 {backup}"},
    "practice.next": {"en": "When ready: {command}", "zh": "完成后运行：{command}"},
    "practice.all_solved": {"en": "Every code question of {topic} has full marks. Pick one by id to practise again.",
                            "zh": "{topic} 的所有编程题都已满分。可以按编号再次练习。"},
    "practice.source_called": {"en": "The source article calls it", "zh": "原文称之为"},
    "hint.title": {"en": "Hint {n} of {total}", "zh": "提示 {n}/{total}"},
    "hint.none": {"en": "{id} has no hints.", "zh": "{id} 没有提示。"},
    "hint.all": {"en": "All {total} hints of {id} are shown above.", "zh": "{id} 的全部 {total} 条提示都已显示。"},
    "grade.total": {"en": "Total", "zh": "总分"},
    "grade.full": {"en": "Full marks.", "zh": "满分。"},
    "grade.lost": {"en": "Points lost: read the details above, fix, and grade again.",
                   "zh": "有失分：请查看上面的说明，修改后重新评分。"},
    "grade.printed": {"en": "Your code printed (case {case}):", "zh": "你的代码的输出（用例 {case}）："},
    "grade.hidden": {"en": "hidden case", "zh": "隐藏用例"},
    "grade.nothing": {"en": "Nothing to grade: no files in {workspace}. Start with `llamaprep practice rope`.",
                      "zh": "没有可评分的文件：{workspace} 中没有文件。先运行 `llamaprep practice rope`。"},
    "grade.mistake": {"en": "Known mistake '{id}'", "zh": "常见错误 '{id}'"},
    "grade.mistake_again": {"en": "Known mistake '{id}' again (explained above)", "zh": "同样是常见错误 '{id}'（见上文说明）"},
    "error.prefix": {"en": "Error", "zh": "错误"},
    "corrections.title": {
        "en": "What the source article gets wrong, claim by claim (ids of MYTHS.md)",
        "zh": "原文的错误说法，逐条更正（编号见 MYTHS.md）",
    },
    "corrections.practise": {"en": "Practise with", "zh": "相关练习"},
    "help.corrections": {
        "en": "The source article's false claims (S1-S14) beside the corrections, with sources.",
        "zh": "原文的错误说法（S1-S14）与更正对照，附参考来源。",
    },
    "corrections.none": {"en": "No corrections for {topic}.", "zh": "{topic} 没有更正条目。"},
    "warning.prefix": {"en": "warning", "zh": "警告"},
    # quiz
    "quiz.none": {"en": "No quiz questions match.", "zh": "没有匹配的测验题。"},
    "quiz.intro": {"en": "Quiz of {total}: answer each with a letter; q stops.",
                   "zh": "共 {total} 题。输入选项字母作答；输入 q 结束。"},
    "quiz.question": {"en": "Question {n}/{total}", "zh": "第 {n}/{total} 题"},
    "quiz.prompt": {"en": "Your answer ({letters}): ", "zh": "你的答案（{letters}）："},
    "quiz.invalid": {"en": "Please answer with one of {letters} (q stops).", "zh": "请输入 {letters} 之一（输入 q 结束）。"},
    "quiz.invalid_counted": {"en": "Not one of the choices: counted as wrong.", "zh": "不是有效选项：按答错计。"},
    "quiz.right": {"en": "Right.", "zh": "回答正确。"},
    "quiz.wrong": {"en": "Wrong: the answer is {letter}. {choice}", "zh": "回答错误：正确答案是 {letter}。{choice}"},
    "quiz.score": {"en": "Score: {correct} / {asked}", "zh": "得分：{correct} / {asked}"},
    "quiz.stopped": {"en": "(stopped after {asked} of {total} questions)", "zh": "（共 {total} 题，答了 {asked} 题后结束）"},
    # progress
    "progress.title": {"en": "Your progress", "zh": "学习进度"},
    "progress.mastery": {"en": "Mastery by topic", "zh": "各主题掌握程度"},
    "progress.topic_code": {"en": "code {solved}/{total} solved", "zh": "编程题 {solved}/{total} 已满分"},
    "progress.topic_quiz": {"en": "quiz {right}/{total} right", "zh": "测验 {right}/{total} 答对"},
    "progress.col.tries": {"en": "tries", "zh": "次数"},
    "progress.col.hints": {"en": "hints", "zh": "提示"},
    "progress.col.last": {"en": "last", "zh": "最近"},
    "progress.empty": {"en": "Nothing recorded yet. Start with `llamaprep practice rope` or `llamaprep quiz`.",
                       "zh": "还没有任何记录。先运行 `llamaprep practice rope` 或 `llamaprep quiz`。"},
    "progress.last": {"en": "Last activity: {when}, {what}", "zh": "最近一次：{when}，{what}"},
    "progress.last.grade": {"en": "graded {id} ({score})", "zh": "评分 {id}（{score}）"},
    "progress.last.quiz": {"en": "quiz {id} ({verdict})", "zh": "测验 {id}（{verdict}）"},
    "progress.last.hint": {"en": "hint {n} of {id}", "zh": "查看 {id} 的第 {n} 条提示"},
    "progress.verdict.right": {"en": "right", "zh": "答对"},
    "progress.verdict.wrong": {"en": "wrong", "zh": "答错"},
    "progress.next.practice": {"en": "Practise next: llamaprep practice {target}", "zh": "下一步练习：llamaprep practice {target}"},
    "progress.next.quiz": {"en": "Practise next: llamaprep quiz {target}", "zh": "下一步练习：llamaprep quiz {target}"},
    "progress.next.done": {"en": "Everything has full marks. Well done.", "zh": "全部满分，做得好。"},
    "progress.reset_confirm": {"en": "Delete all recorded progress in {path}?", "zh": "删除 {path} 中的全部学习记录？"},
    "progress.reset_done": {"en": "Progress deleted.", "zh": "学习记录已删除。"},
    "progress.reset_kept": {"en": "Nothing deleted.", "zh": "未删除任何内容。"},
    # watch
    "watch.header": {"en": "Watching {path} — save to regrade, Ctrl-C to stop.",
                     "zh": "正在监视 {path} —— 保存即重新评分，按 Ctrl-C 退出。"},
    "watch.graded_at": {"en": "Graded at {time} (grade #{n})", "zh": "评分时间 {time}（第 {n} 次）"},
    "watch.grading": {"en": "Grading…", "zh": "正在评分……"},
    "watch.stopped": {"en": "Stopped watching.", "zh": "已停止监视。"},
    "watch.polling": {"en": "(checking the file every {seconds} s)", "zh": "（每 {seconds} 秒检查一次文件）"},
    # solution
    "solution.title": {"en": "Reference solution of {id}", "zh": "{id} 的参考答案"},
    "solution.locked": {"en": "the reference of {id} opens once you have full marks ({score}); use --force to see it anyway",
                        "zh": "获得满分后才能查看 {id} 的参考答案（目前 {score}）；用 --force 强制查看"},
    "solution.never": {"en": "not graded yet", "zh": "尚未评分"},
    "solution.not_code": {"en": "{id} is a quiz question: `llamaprep quiz {topic}` explains its answer",
                          "zh": "{id} 是测验题：运行 `llamaprep quiz {topic}` 查看答案解析"},
    # errors of the commands
    "err.unknown_id": {"en": "unknown question id {id!r} (see `llamaprep list`)", "zh": "未知的题目编号 {id!r}（见 `llamaprep list`）"},
    "err.unknown_topic": {"en": "unknown topic {topic!r}; topics: {topics}", "zh": "未知的主题 {topic!r}；可选主题：{topics}"},
    "err.unknown_name": {"en": "unknown topic or question {name!r} (see `llamaprep list`)",
                         "zh": "未知的主题或题目 {name!r}（见 `llamaprep list`）"},
    "err.not_started": {"en": "you have not started any {topic} question yet; run `llamaprep practice {topic}` first",
                        "zh": "你还没有开始任何 {topic} 题；先运行 `llamaprep practice {topic}`"},
    "err.no_file": {"en": "no file for {id} at {path}; run `llamaprep practice {id}` first",
                    "zh": "{path} 处没有 {id} 的文件；先运行 `llamaprep practice {id}`"},
    "err.no_code": {"en": "topic {topic!r} has no code questions", "zh": "主题 {topic!r} 没有编程题"},
    "err.write_stub": {"en": "cannot write your file in {workspace}: {reason}", "zh": "无法在 {workspace} 中写入你的文件：{reason}"},
    "err.no_editor": {"en": "no editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano); your file is {path}",
                      "zh": "没有设置编辑器：请设置 $VISUAL 或 $EDITOR（例如 export EDITOR=nano）；你的文件是 {path}"},
    "err.editor_failed": {"en": "cannot start the editor {editor!r}: {reason}", "zh": "无法启动编辑器 {editor!r}：{reason}"},
    "err.count": {"en": "--count must be at least 1", "zh": "--count 至少为 1"},
    # help text of the commands (typer builds it at import; cli.UI_LANG picks the language)
    "help.app": {"en": "Interview prep for Llama internals — RoPE, RMSNorm, GQA — graded in your terminal.",
                 "zh": "Llama 内部原理面试准备 —— RoPE、RMSNorm、GQA —— 在终端里自动评分。"},
    "help.list": {"en": "Show the bank: id, kind, difficulty, points and your best score.",
                  "zh": "列出题库：编号、类型、难度、分值和你的最好成绩。"},
    "help.practice": {"en": "Read a question, beside the source's claim and the correction, and get its stub to fill in.",
                      "zh": "阅读题目（附原文说法与更正），并获取待填写的代码框架。"},
    "help.hint": {"en": "Reveal the next hint of a question (the ones already shown are repeated).",
                  "zh": "显示题目的下一条提示（已显示的提示会一并列出）。"},
    "help.grade": {"en": "Grade your files against the hidden tests. Exit 0: full marks; 1: points lost; 2: could not run.",
                   "zh": "用隐藏测试为你的文件评分。退出码 0：满分；1：有失分；2：无法运行。"},
    "help.quiz": {"en": "Multiple-choice concept questions; each answer explained, with sources. From a pipe: one letter per line.",
                  "zh": "概念选择题；每题作答后给出解析和参考来源。从管道输入时：每行一个字母。"},
    "help.progress": {"en": "Your mastery per topic, best scores, attempts, last activity and what to practise next.",
                      "zh": "各主题掌握程度、最好成绩、尝试次数、最近活动，以及下一步练习什么。"},
    "help.watch": {"en": "Regrade a question each time you save its file (Ctrl-C stops).",
                   "zh": "每次保存文件时自动重新评分（按 Ctrl-C 退出）。"},
    "help.solution": {"en": "Show the reference solution once you have full marks (--force to see it before).",
                      "zh": "获得满分后查看参考答案（用 --force 提前查看）。"},
    "help.opt.lang": {"en": "Language: en or zh (default: $LLAMAPREP_LANG, else the locale).",
                      "zh": "界面语言：en 或 zh（默认：$LLAMAPREP_LANG，否则按系统区域设置）。"},
    "help.opt.workspace": {"en": "Your files' folder (default: $LLAMAPREP_WORKSPACE, else ./llamaprep-work).",
                           "zh": "你的文件所在目录（默认：$LLAMAPREP_WORKSPACE，否则 ./llamaprep-work）。"},
    "help.opt.bank": {"en": "Extra bank folder (repeatable; also $LLAMAPREP_BANK).", "zh": "额外的题库目录（可重复；也可用 $LLAMAPREP_BANK）。"},
    "help.arg.id": {"en": "The question id.", "zh": "题目编号。"},
    "help.arg.ids": {"en": "Question ids or topics (default: every question you started).",
                     "zh": "题目编号或主题（默认：你开始过的所有题目）。"},
    "help.arg.topic": {"en": "Only this topic: rope, rmsnorm, gqa, llama.", "zh": "只看这个主题：rope、rmsnorm、gqa、llama。"},
    "help.arg.topic_or_id": {"en": "A topic (rope, rmsnorm, gqa, llama) or a question id.",
                             "zh": "主题（rope、rmsnorm、gqa、llama）或题目编号。"},
    "help.opt.reset": {"en": "Start over from the stub (your file is backed up first).", "zh": "从代码框架重新开始（先备份你的文件）。"},
    "help.opt.edit": {"en": "Open the file in $VISUAL or $EDITOR.", "zh": "用 $VISUAL 或 $EDITOR 打开文件。"},
    "help.opt.file": {"en": "Grade this file, for the one question named.", "zh": "为指定的一道题评分这个文件。"},
    "help.opt.format": {"en": "table, json, junit or gradescope.", "zh": "table、json、junit 或 gradescope。"},
    "help.opt.shuffle": {"en": "Ask the questions in a random order.", "zh": "随机打乱题目顺序。"},
    "help.opt.seed": {"en": "Seed of the shuffle, to repeat an order (implies --shuffle).", "zh": "打乱顺序用的随机种子，可复现同一顺序（隐含 --shuffle）。"},
    "help.opt.count": {"en": "Ask at most this many questions.", "zh": "最多出这么多道题。"},
    "help.opt.progress_reset": {"en": "Delete all recorded progress (asks first).", "zh": "删除全部学习记录（会先确认）。"},
    "help.opt.yes": {"en": "Do not ask for confirmation.", "zh": "不再确认。"},
    "help.opt.poll": {"en": "Check the file every second instead of waiting for filesystem events.",
                      "zh": "每秒检查一次文件，而不是等待文件系统事件。"},
    "help.opt.force": {"en": "Show it even without full marks.", "zh": "即使没有满分也显示。"},
    "err.watch_code": {"en": "{id} is not a code question; `watch` regrades code", "zh": "{id} 不是编程题；`watch` 只对编程题重新评分"},
    # instructors: validate, new, class grading, export
    "help.validate": {"en": "Instructor check of a bank: schema, files, reference full marks, stub zero, every mistake diagnosed, seeded inputs, sources. Exit 0 only when sound.",
                      "zh": "教师用题库检查：格式、文件、参考答案满分、代码框架零分、每个常见错误都能被识别、输入可复现、引用来源。只有全部通过时退出码为 0。"},
    "help.new": {"en": "Scaffold a new question (YAML, stub, reference) with every field explained; refuses to overwrite.",
                 "zh": "生成一道新题的框架（YAML、代码框架、参考答案），每个字段都有说明；不会覆盖已有文件。"},
    "help.export": {"en": "Export questions for another grader: `export gradescope ID... -o autograder.zip`.",
                    "zh": "导出题目给其他评分平台：`export gradescope ID... -o autograder.zip`。"},
    "help.arg.new_id": {"en": "The new question's id, starting with its topic (e.g. swiglu-ffn).", "zh": "新题目的编号，以主题开头（例如 swiglu-ffn）。"},
    "help.arg.target": {"en": "Where to export: gradescope.", "zh": "导出目标：gradescope。"},
    "help.arg.export_ids": {"en": "Question ids or topics to grade in the bundle.", "zh": "打包中要评分的题目编号或主题。"},
    "help.opt.topic_new": {"en": "The topic: the first word of the id.", "zh": "主题：编号的第一个词。"},
    "help.opt.new_bank": {"en": "The bank folder to write into (default: the first --bank, else $LLAMAPREP_BANK's first).",
                          "zh": "写入的题库目录（默认：第一个 --bank，否则 $LLAMAPREP_BANK 中的第一个）。"},
    "help.opt.submissions": {"en": "Grade a class: DIR/<student>/<id_with_underscores>.py.", "zh": "为全班评分：DIR/<学生>/<编号用下划线>.py。"},
    "help.opt.jobs": {
        "en": "Students (or, for your own files, questions) graded at once (default: one per core).",
        "zh": "同时评分的学生数（为自己的文件评分时为题目数；默认：每个 CPU 核一个）。",
    },
    "help.opt.output": {"en": "The file to write.", "zh": "要写入的文件。"},
    "grade.visible_inputs": {"en": "inputs", "zh": "输入"},
    "grade.visible_expected": {"en": "expected", "zh": "期望值"},
}


def resolve_lang(option: Optional[str] = None) -> str:
    """--lang, else $LLAMAPREP_LANG, else the locale; English when none says Chinese."""
    for value in (option, os.environ.get("LLAMAPREP_LANG")):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def argv_lang(argv: list[str]) -> Optional[str]:
    """--lang from a raw command line: help text is built before typer parses anything."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def t(key: str, lang: str = "en", **fields: object) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text
