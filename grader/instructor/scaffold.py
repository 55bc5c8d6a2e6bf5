"""`llamaprep new`: a new question's three files, every field explained, nothing overwritten.

Placeholders carry the marker ``TODO(author)``; `llamaprep validate` reports each one left
by file and line, and grades the question only once none is left.  The YAML is valid as
written, so what validate says first is what is left to fill in, not a schema error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from grader.bank.loader import BankError, builtin_bank_dir, load_bank
from grader.bank.schema import ID_PATTERN

YAML = """\
{modeline}# A llamaprep question. docs/authoring.md explains every field; questions/schema.json
# lets an editor complete them.  Replace every placeholder marked as the author's TODO,
# then run `llamaprep validate --bank {bank}` until it says the bank is sound.
id: {qid}  # lowercase words joined by hyphens; the first word is the topic; unique across all banks
kind: code  # code: the learner writes a function (or class) that is graded; quiz: multiple choice
title:  # shown by `llamaprep list` and above the question, in English and Chinese
  en: "TODO(author): a short title"
  zh: "TODO(author): 简短的中文标题"
difficulty: medium  # easy | medium | hard
points: 10  # the question's total, split over cases and properties by their `points` weights
# corrects: claim ids S1..S14 (docs/myths.md) this question corrects; each needs a `claims` entry
# quoting the source, a `correction` and at least one source.  Leave [] when it corrects none.
corrects: []
claims: []  # e.g. [{{myth: S7, quote_zh: "the source's words, verbatim", quote_en: "an English rendering"}}]
# correction: {{en: "the truth, in full", zh: "……"}}  (required when corrects is not empty)
sources:  # primary sources: the paper, the reference code
  - title: "TODO(author): the paper or code this question follows"
    url: https://example.org/  # TODO(author): its address
prompt:  # the question as the learner reads it (Markdown): shapes, dtypes, what to return, what is banned
  en: |
    TODO(author): the question, e.g. Implement `{entry}(x)` ...
  zh: |
    TODO(author): 题目，例如：实现 `{entry}(x)` ……
entry_point: {entry}  # the function (or class) the learner's file defines and the reference module too
signature: "{entry}(x: Tensor) -> Tensor"  # TODO(author): as shown to the learner
hints:  # revealed one at a time by `llamaprep hint`, most general first
  - en: "TODO(author): a first hint"
    zh: "TODO(author): 第一条提示"
grading:
  driver: call  # call: entry_point(*args); module: an nn.Module (constructor args, x, grad_out, param_<name>)
  time_limit: 5  # CPU seconds per call
  question_time_limit: 20  # CPU seconds for all calls of one submission
  load_time_limit: 60  # CPU seconds for importing the learner's file (its imports)
  memory_limit_mb: 1024  # the address space of the learner's process (MiB)
  banned: []  # dotted APIs that would trivialise the question, e.g. [torch.nn.functional.silu]
  tolerances: {{}}  # per dtype overrides, e.g. {{bfloat16: {{rtol: 0.05, atol: 0.05}}}}
  cases:  # each case's args are passed POSITIONALLY in this order: follow the signature
    - name: float32, a small batch  # unique; shown in results
      description: "a small float32 batch"  # what kind of input: all a learner sees of a hidden case
      visible: true  # a failed visible case shows input shapes and expected values; default hidden
      points: 1  # weight within the question
      args:  # tensor specs: randn, rand, randint, arange, ones, zeros, full, tensor, randperm (+ dtype, scale, shift, noncontiguous)
        x: {{randn: [2, 8]}}  # TODO(author): the arguments of one call
  # mistakes: one per known wrong answer; the solution module defines mistake_<id with underscores>
  # with the entry point's signature.  A learner whose output matches it is told the explanation.
  mistakes: []  # e.g. [{{id: forgot-gain, explanation: {{en: "...", zh: "..."}}}}]
  # properties: optional relations checked beyond fixed cases; see docs/authoring.md
  properties: []  # e.g. [{{name: "invariant to rescaling", function: prop_rescaling}}]
"""

STUB = """\
import torch


def {entry}(x: torch.Tensor) -> torch.Tensor:
    # TODO(author): the shapes and dtypes, for the learner (keep the learner's TODO below)
    # TODO: implement
    raise NotImplementedError
"""

SOLUTION = """\
\"\"\"Reference solution of {qid}, its known mistakes and any property checks.

It runs only in the grader's trusted process; its output on each case is the expected one.
\"\"\"

import torch


def {entry}(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError  # TODO(author): the reference implementation


# Known mistakes: one function per grading.mistakes entry, named mistake_<id with underscores>,
# with the entry point's signature, wrong in exactly the way its explanation says.  Write them
# without calling {entry} (validate grades each as if a learner had submitted it).
#
# def mistake_forgot_gain(x):
#     ...
#
# Property checks (grading.properties) return grader.properties.Property; see docs/authoring.md.
"""


class ScaffoldError(Exception):
    """Why the scaffold was not written: one line."""


def scaffold_question(*, qid: str, topic: str, bank_dir: Path, entry_point: Optional[str] = None) -> list[Path]:
    """Write the YAML, stub and reference of a new code question into ``bank_dir``.

    Refuses (ScaffoldError, nothing written) when the id is malformed, does not start with
    the topic, is taken in any loaded bank, or a file already exists.
    """
    if not ID_PATTERN.match(qid):
        raise ScaffoldError(f"id {qid!r} must be lowercase words joined by hyphens, e.g. {topic}-forward")
    if qid.split("-")[0] != topic:
        raise ScaffoldError(f"id {qid!r} must start with its topic: {topic}-{qid}, or --topic {qid.split('-')[0]}")
    entry = entry_point or qid.replace("-", "_")
    if not entry.isidentifier():
        raise ScaffoldError(f"entry point {entry!r} is not a Python name")
    stem = qid.replace("-", "_")
    paths = [
        bank_dir / "questions" / topic / f"{qid}.yaml",
        bank_dir / "questions" / topic / f"{stem}.py",
        bank_dir / "solutions" / topic / f"{stem}.py",
    ]
    for path in paths:
        if path.exists():
            raise ScaffoldError(f"{path} exists already; not overwriting it")
    try:
        bank = load_bank([bank_dir] if (bank_dir / "questions").is_dir() and bank_dir.resolve() != builtin_bank_dir().resolve() else [])
    except BankError as exc:
        raise ScaffoldError(f"cannot check the id against the banks: {exc}") from None
    if qid in bank.questions:
        raise ScaffoldError(f"id {qid!r} is taken by {bank.paths[qid]}")
    schema = builtin_bank_dir() / "questions" / "schema.json"
    modeline = f"# yaml-language-server: $schema={schema.resolve()}\n" if schema.is_file() else ""
    fields = dict(qid=qid, entry=entry, bank=bank_dir, modeline=modeline)
    for path, template in zip(paths, (YAML, STUB, SOLUTION)):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
            f.write(template.format(**fields))
    return paths
