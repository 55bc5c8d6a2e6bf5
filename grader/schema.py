"""The question file format: pydantic models for one YAML file of the bank.

docs/authoring.md documents every field; keep the two in step.  No torch here:
loading the bank must stay fast for the commands that never grade.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MYTH_IDS = [f"S{i}" for i in range(1, 15)]
TOPICS = ("rope", "rmsnorm", "gqa", "llama")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")
FLOAT_DTYPES = ("float64", "float32", "float16", "bfloat16")


class Strict(BaseModel):
    # defer_build: each model's validator is built on its first use, as part of the question
    # that contains it, not once more on its own at import — 70 ms less for every command.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Strict):
    """Text a learner reads, in English and Chinese."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Claim(Strict):
    """One false claim of the source article, quoted."""

    myth: str
    quote_zh: str = Field(min_length=1, description="the source's words, verbatim")
    quote_en: str = Field(min_length=1, description="an English rendering")

    @field_validator("myth")
    @classmethod
    def _known_myth(cls, v: str) -> str:
        if v not in MYTH_IDS:
            raise ValueError(f"unknown claim {v!r}; expected one of S1..S14 (MYTHS.md)")
        return v


class Source(Strict):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")


class Tolerance(Strict):
    rtol: float = Field(ge=0)
    atol: float = Field(ge=0)


# Tolerances chosen so that float32, float64 and reduced-precision kernels all pass
# while every listed mistake (an O(1) error) fails.  Questions may override per dtype.
DEFAULT_TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance(rtol=1e-7, atol=1e-7),
    "float32": Tolerance(rtol=1e-4, atol=1e-5),
    "float16": Tolerance(rtol=5e-3, atol=5e-3),
    "bfloat16": Tolerance(rtol=3e-2, atol=3e-2),
}


class Case(Strict):
    """A hidden (or visible) test case: the arguments of one call, by parameter name.

    Argument values are plain YAML scalars/lists, or one-key tensor specs handled by
    grader.inputs (``{randn: [2, 7, 4, 16], dtype: bfloat16}``).
    """

    name: str = Field(min_length=1)
    name_zh: Optional[str] = None
    description: Optional[str] = Field(
        default=None, description="what kind of input this is; shown instead of data for hidden cases"
    )
    description_zh: Optional[str] = Field(default=None, description="the description in Chinese")
    visible: bool = False
    points: float = Field(default=1.0, gt=0)
    seed: Optional[int] = None
    args: dict[str, Any] = Field(default_factory=dict)


class Mistake(Strict):
    id: str
    function: Optional[str] = Field(default=None, description="defaults to mistake_<id with underscores>")
    explanation: Text

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"mistake id {v!r} must be lowercase words joined by hyphens")
        return v

    @property
    def function_name(self) -> str:
        return self.function or "mistake_" + self.id.replace("-", "_")


class PropertyCheck(Strict):
    name: str = Field(min_length=1)
    name_zh: Optional[str] = None
    description: Optional[str] = None
    description_zh: Optional[str] = None
    function: str = Field(description="a function of the solution module: (generator) -> grader.properties.Property")
    points: float = Field(default=1.0, gt=0)
    visible: bool = False


class Grading(Strict):
    driver: Literal["call", "module"] = "call"
    time_limit: float = Field(default=5.0, gt=0, le=60, description="seconds per call")
    question_time_limit: float = Field(default=20.0, gt=0, le=600, description="seconds for all calls of a question")
    memory_limit_mb: int = Field(default=1024, ge=256, le=65536)
    banned: list[str] = Field(default_factory=list, description="dotted APIs the learner may not call")
    tolerances: dict[str, Tolerance] = Field(default_factory=dict)
    cases: list[Case] = Field(min_length=1)
    mistakes: list[Mistake] = Field(default_factory=list)
    properties: list[PropertyCheck] = Field(default_factory=list)

    @field_validator("tolerances")
    @classmethod
    def _known_dtypes(cls, v: dict[str, Tolerance]) -> dict[str, Tolerance]:
        for key in v:
            if key not in FLOAT_DTYPES:
                raise ValueError(f"tolerance for unknown dtype {key!r}; use one of {', '.join(FLOAT_DTYPES)}")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> "Grading":
        names = [c.name for c in self.cases] + [p.name for p in self.properties]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"case names must be unique; repeated: {', '.join(dupes)}")
        ids = [m.id for m in self.mistakes]
        if len(set(ids)) != len(ids):
            raise ValueError("mistake ids must be unique")
        return self

    def tolerance(self, dtype: str) -> Tolerance:
        return self.tolerances.get(dtype) or DEFAULT_TOLERANCES.get(dtype) or Tolerance(rtol=0, atol=0)


class QuestionBase(Strict):
    id: str
    title: Text
    difficulty: Literal["easy", "medium", "hard"]
    points: float = Field(gt=0)
    corrects: list[str] = Field(default_factory=list, description="claim ids S1..S14 this question corrects")
    claims: list[Claim] = Field(default_factory=list)
    correction: Optional[Text] = None
    sources: list[Source] = Field(default_factory=list)
    prompt: Text

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"id {v!r} must be lowercase words joined by hyphens, e.g. rope-apply-half")
        return v

    @field_validator("corrects")
    @classmethod
    def _known_myths(cls, v: list[str]) -> list[str]:
        for m in v:
            if m not in MYTH_IDS:
                raise ValueError(f"unknown claim {m!r}; expected one of S1..S14 (MYTHS.md)")
        return v

    @model_validator(mode="after")
    def _claims_match(self) -> "QuestionBase":
        quoted = {c.myth for c in self.claims}
        missing = [m for m in self.corrects if m not in quoted]
        if missing:
            raise ValueError(f"corrects {', '.join(missing)} but quotes no claim for it (add it to claims)")
        extra = sorted(quoted - set(self.corrects))
        if extra:
            raise ValueError(f"claims quote {', '.join(extra)} which is not listed in corrects")
        if self.corrects and (self.correction is None or not self.sources):
            raise ValueError("a question that corrects a claim needs a correction and at least one source")
        return self

    @property
    def topic(self) -> str:
        return self.id.split("-")[0]

    @property
    def file_stem(self) -> str:
        return self.id.replace("-", "_")


class CodeQuestion(QuestionBase):
    kind: Literal["code"] = "code"
    entry_point: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signature: str = Field(min_length=1, description="as shown to the learner")
    hints: list[Text] = Field(default_factory=list)
    grading: Grading


class QuizQuestion(QuestionBase):
    kind: Literal["quiz"]
    choices: list[Text] = Field(min_length=2, max_length=6)
    answer: str = Field(pattern=r"^[A-F]$", description="letter of the right choice")
    explanation: Text

    @model_validator(mode="after")
    def _answer_in_range(self) -> "QuizQuestion":
        if ord(self.answer) - ord("A") >= len(self.choices):
            raise ValueError(f"answer {self.answer} but only {len(self.choices)} choices")
        return self

    @property
    def answer_index(self) -> int:
        return ord(self.answer) - ord("A")


Question = Union[CodeQuestion, QuizQuestion]


class Topic(Strict):
    """questions/<topic>/_topic.yaml: the topic's short introduction."""

    topic: str
    name: Text = Field(description="what the abbreviation really stands for")
    source_name: str = Field(description="what the source article called it")
    myth: Optional[str] = None
    intro: Text
    sources: list[Source] = Field(min_length=1)
