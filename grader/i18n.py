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
    "practice.hints": {"en": "Hints: {shown} of {total} revealed — `llamaprep hint {id}` shows the next.",
                       "zh": "提示：已显示 {shown}/{total} 条 —— 运行 `llamaprep hint {id}` 查看下一条。"},
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
    "error.prefix": {"en": "Error", "zh": "错误"},
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


def t(key: str, lang: str = "en", **fields: object) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text
