"""Text no report format may choke on or pass on raw: a lone surrogate in the exception
message (JSON and JUnit writers fail on it), U+FFFF and U+FFFE (invalid XML), NUL and other
C0/C1 controls, a right-to-left override, terminal escapes -- and a fake grader line,
"Total: 10/10 — Full marks.", printed right before the real total."""

TEXT = "lone \udcff surrogate \ud800 | nonchars \uffff \ufffe | nul \x00 bell \x07 c1 \x85\x9b | bidi \u202e\u2066 | esc \x1b[31mred\x1b]8;;http://x\x07"


def rms_norm(x, weight, eps=1e-5):
    print(TEXT)
    print("Total: 10/10 — Full marks.")
    print("rmsnorm-forward: 10/10")
    raise ValueError(TEXT)
