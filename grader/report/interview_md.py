"""An interview's report as Markdown (`llamaprep interview --report FILE.md`), in English or Chinese.

Built from the report object alone (grader.learner.interview) plus the bank's titles, so
the file, the terminal and the JSON say the same things.
"""

from __future__ import annotations

import time

from grader.bank.loader import Bank
from grader.learner.interview import InterviewReport

TEXT = {
    "en": {
        "title": "Mock interview",
        "when": "{date} · {minutes} · {topics}",
        "no_clock": "no clock",
        "minutes": "{n} min",
        "partial": "Stopped early: this report covers what was answered.",
        "score": "Score: {score} of {max}",
        "concept": "Concept questions",
        "coding": "Coding",
        "col_q": "question", "col_answer": "answer", "col_result": "result", "col_time": "time",
        "col_cases": "cases passed", "col_points": "points", "col_mistakes": "named mistakes",
        "right": "right", "wrong": "wrong (the answer is {right})", "skipped": "no answer (the answer is {right})",
        "not_graded": "not graded: {why}", "timed_out": " (graded when time ran out)",
        "unanswered": "Not reached: {ids}",
        "study": "What to study next",
        "study_none": "Nothing missed: try a longer interview or another topic.",
        "study_unanswered": "No question was answered: nothing to review yet.",
        "correction": "`llamaprep corrections` — claim {target} of the source (missed in {because})",
        "practice": "`llamaprep practice {target}` — {title}",
        "quiz": "`llamaprep quiz {target}` — {title}",
    },
    "zh": {
        "title": "模拟面试",
        "when": "{date} · {minutes} · {topics}",
        "no_clock": "不计时",
        "minutes": "{n} 分钟",
        "partial": "面试提前结束：本报告只包含已作答的部分。",
        "score": "得分：{score} / {max}",
        "concept": "概念题",
        "coding": "编程题",
        "col_q": "题目", "col_answer": "作答", "col_result": "结果", "col_time": "用时",
        "col_cases": "通过的用例", "col_points": "得分", "col_mistakes": "识别出的错误",
        "right": "正确", "wrong": "错误（答案是 {right}）", "skipped": "未作答（答案是 {right}）",
        "not_graded": "未能评分：{why}", "timed_out": "（时间到时按原样评分）",
        "unanswered": "未答到：{ids}",
        "study": "接下来该复习什么",
        "study_none": "没有答错的题：试试更长的面试或别的主题。",
        "study_unanswered": "一道题也没有作答：还没有可复习的内容。",
        "correction": "`llamaprep corrections`：原文的说法 {target}（在 {because} 中答错）",
        "practice": "`llamaprep practice {target}`：{title}",
        "quiz": "`llamaprep quiz {target}`：{title}",
    },
}


def duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def number(x: float) -> str:
    """2, 2.5, 0.67: no trailing zeros, at most two decimals."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def interview_markdown(report: InterviewReport, bank: Bank, lang: str = "en") -> str:
    s = TEXT.get(lang, TEXT["en"])
    title = lambda qid: bank.get(qid).title.get(lang) if qid in bank.questions else qid  # noqa: E731
    plan = report.plan
    minutes = s["minutes"].format(n=number(plan.minutes)) if plan.minutes > 0 else s["no_clock"]
    date = time.strftime("%Y-%m-%d %H:%M", time.localtime(report.started))
    lines = [f"# {s['title']}", "", s["when"].format(date=date, minutes=minutes, topics=", ".join(plan.topics)), ""]
    if not report.finished:
        lines += [f"> {s['partial']}", ""]
    lines += [f"**{s['score'].format(score=number(report.score), max=number(report.max_score))}**", ""]
    if plan.concept:
        lines += [f"## {s['concept']}", "", f"| {s['col_q']} | {s['col_answer']} | {s['col_result']} | {s['col_time']} |", "|---|---|---|---|"]
        for a in report.concept:
            verdict = s["right"] if a.correct else (s["wrong"] if a.given else s["skipped"]).format(right=a.right)
            lines.append(f"| {_cell(title(a.id))} (`{a.id}`) | {a.given or '—'} | {verdict} | {duration(a.seconds)} |")
        lines.append("")
    if plan.coding:
        header = " | ".join(s[c] for c in ("col_q", "col_cases", "col_points", "col_mistakes", "col_time"))
        lines += [f"## {s['coding']}", "", f"| {header} |", "|---|---|---|---|---|"]
        for c in report.coding:
            if c.graded:
                cases = f"{c.cases_passed}/{c.cases_total}" + (s["timed_out"] if c.timed_out else "")
            else:
                cases = s["not_graded"].format(why=c.problem)
            mistakes = ", ".join(f"`{m}`" for m in c.mistakes) or "—"
            lines.append(f"| {_cell(title(c.id))} (`{c.id}`) | {_cell(cases)} | {number(c.score)}/{number(c.max_score)} | {mistakes} | {duration(c.seconds)} |")
        lines.append("")
    answered = {a.id for a in report.concept} | {c.id for c in report.coding}
    missing = [q for q in (*plan.concept, *plan.coding) if q not in answered]
    if missing:
        lines += [s["unanswered"].format(ids=", ".join(f"`{q}`" for q in missing)), ""]
    lines += [f"## {s['study']}", ""]
    if not report.study:
        lines.append(s["study_none"] if answered else s["study_unanswered"])
    for item in report.study:
        lines.append("- " + s[item.kind].format(target=item.target, because=item.because, title=_cell(title(item.target))))
    return "\n".join(lines).rstrip() + "\n"
