"""`python3 -m grader.gradescope run ...`: the entry point that exported Gradescope bundles call.

Bundles made by earlier versions name this module, so it stays here and forwards."""

from grader.instructor.gradescope import main

if __name__ == "__main__":
    raise SystemExit(main())
