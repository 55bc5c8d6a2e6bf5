"""`python -m grader.schema_json [--check]`: regenerate questions/schema.json (see grader/bank/schema_json.py)."""

import sys

from grader.bank.schema_json import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
