"""questions/schema.json: the JSON Schema of a question YAML, generated from grader/bank/schema.py.

    python -m grader.schema_json            # rewrite questions/schema.json
    python -m grader.schema_json --check    # exit 1 when the committed file is stale

Editors that speak JSON Schema (VS Code's YAML extension, JetBrains) then complete and
check fields; a scaffolded YAML's first line points them at it.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
import typing
from typing import Any, Literal, Union

from grader.bank import strict
from grader.bank.loader import builtin_bank_dir
from grader.bank.schema import CodeQuestion, QuizQuestion

# spec() constraint -> JSON Schema keyword
KEYWORDS = {"gt": "exclusiveMinimum", "ge": "minimum", "le": "maximum", "pattern": "pattern"}
LENGTHS = {"min_length": ("minLength", "minItems"), "max_length": ("maxLength", "maxItems")}


def question_json_schema() -> dict:
    defs: dict[str, dict] = {}
    union = [type_schema(CodeQuestion, defs), type_schema(QuizQuestion, defs)]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "llamaprep question",
        "description": "One question of a llamaprep bank: questions/<topic>/<id>.yaml. docs/authoring.md explains every field.",
        "$defs": dict(sorted(defs.items())),
        "anyOf": union,
    }


def type_schema(hint: Any, defs: dict) -> dict:
    """The schema of one type hint; models go to ``defs`` once and are referenced."""
    simple = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if hint in simple:
        return {"type": simple[hint]}
    if hint is type(None):
        return {"type": "null"}
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return {"const": args[0], "type": "string"} if len(args) == 1 else {"enum": list(args), "type": "string"}
    if origin is Union:
        return {"anyOf": [type_schema(a, defs) for a in args]}
    if origin is list:
        return {"items": type_schema(args[0], defs), "type": "array"}
    if origin is dict:
        value = True if args[1] is Any else type_schema(args[1], defs)
        return {"additionalProperties": value, "type": "object"}
    if strict.is_model(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placed first: a model may refer to itself
            defs[name] = model_schema(hint, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def model_schema(cls: type, defs: dict) -> dict:
    fields = strict.fields_of(cls)
    out: dict = {"additionalProperties": False}
    if cls.__schema_doc__:
        out["description"] = inspect.cleandoc(cls.__schema_doc__)
    out["properties"] = {name: field_schema(f, defs) for name, f in fields.items()}
    out["required"] = [name for name, f in fields.items() if f.required]
    out["title"] = cls.__name__
    out["type"] = "object"
    return out


def field_schema(f: strict.Field, defs: dict) -> dict:
    schema = type_schema(f.hint, defs)
    meta = f.meta
    for key, keyword in KEYWORDS.items():
        if key in meta:
            schema[keyword] = meta[key]
    for key, (for_str, for_list) in LENGTHS.items():
        if key in meta:
            schema[for_list if schema.get("type") == "array" else for_str] = meta[key]
    if f.default is not dataclasses.MISSING:
        schema["default"] = f.default
    if "description" in meta:
        schema["description"] = meta["description"]
    optional = typing.get_origin(f.hint) is Union
    inner = [a for a in typing.get_args(f.hint) if a is not type(None)] if optional else [f.hint]
    if not (len(inner) == 1 and strict.is_model(inner[0])):  # a model's own title stands
        schema["title"] = f.name.replace("_", " ").title()
    return dict(sorted(schema.items()))


def schema_text() -> str:
    return json.dumps(question_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    path = builtin_bank_dir() / "questions" / "schema.json"
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != schema_text():
            print(f"{path} is stale: run `python -m grader.schema_json`", file=sys.stderr)
            return 1
        return 0
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
