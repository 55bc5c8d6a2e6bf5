"""questions/schema.json: the JSON Schema of a question YAML, generated from grader/schema.py.

    python -m grader.schema_json            # rewrite questions/schema.json
    python -m grader.schema_json --check    # exit 1 when the committed file is stale

Editors that speak JSON Schema (VS Code's YAML extension, JetBrains) then complete and
check fields; a scaffolded YAML's first line points them at it.
"""

from __future__ import annotations

import json
import sys
from typing import Union

from pydantic import TypeAdapter

from grader.bank import builtin_bank_dir
from grader.schema import CodeQuestion, QuizQuestion


def question_json_schema() -> dict:
    schema = TypeAdapter(Union[CodeQuestion, QuizQuestion]).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "llamaprep question",
        "description": "One question of a llamaprep bank: questions/<topic>/<id>.yaml. docs/authoring.md explains every field.",
        **schema,
    }


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
