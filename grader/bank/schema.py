"""The question file format: frozen dataclasses for one YAML file of the bank.

docs/authoring.md documents every field; keep the two in step.  No torch here:
loading the bank must stay fast for the commands that never grade.  grader.bank.strict checks
a YAML mapping against these classes (``validate(CodeQuestion, data)``); each ``_check``
holds the rules across fields, raising ValueError with the message a question author sees.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional, Union

from grader.bank.strict import model, spec

MYTH_IDS = [f"S{i}" for i in range(1, 15)]
TOPICS = ("rope", "rmsnorm", "gqa", "llama")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")
FLOAT_DTYPES = ("float64", "float32", "float16", "bfloat16")


def _known_myth(v: str) -> None:
    if v not in MYTH_IDS:
        raise ValueError(f"unknown claim {v!r}; expected one of S1..S14 (see docs/myths.md)")


def _known_myths(v: list[str]) -> None:
    for m in v:
        _known_myth(m)


def _question_id(v: str) -> None:
    if not ID_PATTERN.fullmatch(v):
        raise ValueError(f"id {v!r} must be lowercase words joined by hyphens, e.g. rope-apply-half")


def _mistake_id(v: str) -> None:
    if not ID_PATTERN.fullmatch(v):
        raise ValueError(f"mistake id {v!r} must be lowercase words joined by hyphens")


def _known_dtypes(v: dict) -> None:
    for key in v:
        if key not in FLOAT_DTYPES:
            raise ValueError(f"tolerance for unknown dtype {key!r}; use one of {', '.join(FLOAT_DTYPES)}")


# Words of ``accept_dtypes`` besides dtype names (grader/grading/dtypes.py resolves them per case).
DTYPE_CONVENTIONS = ("expected", "input", "promoted")


def _accepted_dtypes(v: Optional[list[str]]) -> None:
    for word in v or ():
        if word not in DTYPE_CONVENTIONS and word not in FLOAT_DTYPES:
            choices = ", ".join(DTYPE_CONVENTIONS + FLOAT_DTYPES)
            raise ValueError(f"accept_dtypes: unknown entry {word!r}; use {choices}")


@model
class Text:
    """Text a learner reads, in English and Chinese."""

    en: str = spec(min_length=1)
    zh: str = spec(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@model
class Claim:
    """One false claim of the source article, quoted."""

    myth: str = spec(check=_known_myth)
    quote_zh: str = spec(min_length=1, description="the source's words, verbatim")
    quote_en: str = spec(min_length=1, description="an English rendering")


@model
class Source:
    title: str = spec(min_length=1)
    url: str = spec(pattern=r"^https?://")


@model
class Tolerance:
    rtol: float = spec(ge=0)
    atol: float = spec(ge=0)


# Tolerances chosen so that float32, float64 and reduced-precision kernels all pass
# while every listed mistake (an O(1) error) fails.  Questions may override per dtype.
DEFAULT_TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance(rtol=1e-7, atol=1e-7),
    "float32": Tolerance(rtol=1e-4, atol=1e-5),
    "float16": Tolerance(rtol=5e-3, atol=5e-3),
    "bfloat16": Tolerance(rtol=3e-2, atol=3e-2),
}


@model
class Case:
    """A hidden (or visible) test case: the arguments of one call, by parameter name.

    Argument values are plain YAML scalars/lists, or one-key tensor specs handled by
    grader.grading.inputs (``{randn: [2, 7, 4, 16], dtype: bfloat16}``).
    """

    name: str = spec(min_length=1)
    name_zh: Optional[str] = None
    description: Optional[str] = spec(
        default=None, description="what kind of input this is; shown instead of data for hidden cases"
    )
    description_zh: Optional[str] = spec(default=None, description="the description in Chinese")
    visible: bool = False
    points: float = spec(default=1.0, gt=0)
    seed: Optional[int] = None
    args: dict[str, Any] = spec(default_factory=dict)
    accept_dtypes: Optional[list[str]] = spec(
        default=None, check=_accepted_dtypes, description="output dtypes this case accepts; overrides grading.accept_dtypes"
    )


@model
class Mistake:
    id: str = spec(check=_mistake_id)
    function: Optional[str] = spec(default=None, description="defaults to mistake_<id with underscores>")
    explanation: Text

    @property
    def function_name(self) -> str:
        return self.function or "mistake_" + self.id.replace("-", "_")


@model
class PropertyCheck:
    name: str = spec(min_length=1)
    name_zh: Optional[str] = None
    description: Optional[str] = None
    description_zh: Optional[str] = None
    function: str = spec(description="a function of the solution module: (generator) -> grader.properties.Property")
    points: float = spec(default=1.0, gt=0)
    visible: bool = False


@model
class Grading:
    driver: Literal["call", "module"] = "call"
    time_limit: float = spec(default=5.0, gt=0, le=60, description="seconds per call")
    question_time_limit: float = spec(default=20.0, gt=0, le=600, description="seconds for all calls of a question")
    load_time_limit: float = spec(
        default=60.0, gt=0, le=600, description="seconds for importing the learner's file (its imports, module-level code)"
    )
    memory_limit_mb: int = spec(default=1024, ge=256, le=65536)
    banned: list[str] = spec(default_factory=list, description="dotted APIs the learner may not call")
    tolerances: dict[str, Tolerance] = spec(default_factory=dict, check=_known_dtypes)
    accept_dtypes: list[str] = spec(
        default_factory=list,
        check=_accepted_dtypes,
        description="output dtypes accepted besides the reference's: input, promoted, or dtype names",
    )
    cases: list[Case] = spec(min_length=1)
    mistakes: list[Mistake] = spec(default_factory=list)
    properties: list[PropertyCheck] = spec(default_factory=list)

    def _check(self) -> None:
        names = [c.name for c in self.cases] + [p.name for p in self.properties]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"case names must be unique; repeated: {', '.join(dupes)}")
        ids = [m.id for m in self.mistakes]
        if len(set(ids)) != len(ids):
            raise ValueError("mistake ids must be unique")

    def tolerance(self, dtype: str) -> Tolerance:
        return self.tolerances.get(dtype) or DEFAULT_TOLERANCES.get(dtype) or Tolerance(rtol=0, atol=0)

    def dtype_conventions(self, case: Case) -> list[str]:
        """The case's own ``accept_dtypes`` if it sets one, else the question's."""
        return list(self.accept_dtypes if case.accept_dtypes is None else case.accept_dtypes)


@model
class QuestionBase:
    id: str = spec(check=_question_id)
    title: Text
    difficulty: Literal["easy", "medium", "hard"]
    points: float = spec(gt=0)
    corrects: list[str] = spec(default_factory=list, description="claim ids S1..S14 this question corrects", check=_known_myths)
    claims: list[Claim] = spec(default_factory=list)
    correction: Optional[Text] = None
    sources: list[Source] = spec(default_factory=list)
    prompt: Text

    def _check(self) -> None:
        quoted = {c.myth for c in self.claims}
        missing = [m for m in self.corrects if m not in quoted]
        if missing:
            raise ValueError(f"corrects {', '.join(missing)} but quotes no claim for it (add it to claims)")
        extra = sorted(quoted - set(self.corrects))
        if extra:
            raise ValueError(f"claims quote {', '.join(extra)} which is not listed in corrects")
        if self.corrects and (self.correction is None or not self.sources):
            raise ValueError("a question that corrects a claim needs a correction and at least one source")

    @property
    def topic(self) -> str:
        return self.id.split("-")[0]

    @property
    def file_stem(self) -> str:
        return self.id.replace("-", "_")


@model
class CodeQuestion(QuestionBase):
    kind: Literal["code"] = "code"
    entry_point: str = spec(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signature: str = spec(min_length=1, description="as shown to the learner")
    hints: list[Text] = spec(default_factory=list)
    grading: Grading


@model
class QuizQuestion(QuestionBase):
    kind: Literal["quiz"]
    choices: list[Text] = spec(min_length=2, max_length=6)
    answer: str = spec(pattern=r"^[A-F]$", description="letter of the right choice")
    explanation: Text

    def _check(self) -> None:
        super()._check()
        if ord(self.answer) - ord("A") >= len(self.choices):
            raise ValueError(f"answer {self.answer} but only {len(self.choices)} choices")

    @property
    def answer_index(self) -> int:
        return ord(self.answer) - ord("A")


Question = Union[CodeQuestion, QuizQuestion]


@model
class Topic:
    """questions/<topic>/_topic.yaml: the topic's short introduction."""

    topic: str
    name: Text = spec(description="what the abbreviation really stands for")
    source_name: str = spec(description="what the source article called it")
    myth: Optional[str] = None
    intro: Text
    sources: list[Source] = spec(min_length=1)
