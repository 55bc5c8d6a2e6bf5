"""A small terminal renderer for the screens that do not grade (list, practice, hint, quiz,
progress, corrections, errors): styled text wrapped by the CJK rules, tables, panels.

Why not rich: importing rich.console alone costs about a third of `import typer, rich, yaml`
(~45 ms of ~140 ms on a 2-core machine), and laying out `list`'s table with it another
~50 ms — together more than issue 9's startup budget (1.5x that import).  These classes
mirror the part of rich's API the views use (Text, Table, Panel, Padding, Group, Console and
the box styles), so a view reads as it did, and each renders inside a rich console too
(grader.ui.term.to_rich), so the grading screens, which stay on rich, can embed them.
"""

from grader.ui.term import box
from grader.ui.term.cells import cell_len
from grader.ui.term.console import Console
from grader.ui.term.layout import Group, Padding, Panel
from grader.ui.term.table import Table
from grader.ui.term.text import Text

__all__ = ["Console", "Group", "Padding", "Panel", "Table", "Text", "box", "cell_len"]
