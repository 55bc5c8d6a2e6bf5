"""typer's and click's own words in Chinese, and their help laid out by terminal cells.

click writes "Usage:", "Options", "Error: No such option" and the rest through
``gettext`` (``_`` bound in each click module, and in typer's core), and wraps help with
``len()``, which counts a Chinese character as one column although it takes two.  Under
``--lang zh`` ``install()`` gives those modules a ``_`` that translates the strings listed
here (any other string stays as click wrote it), and makes click's help formatter measure
in cells and break lines with grader.ui.cjk's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Optional

# click 8.x and typer message ids -> Chinese; the placeholders are kept as they are.
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Positional arguments": "位置参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Did you mean {possibility}?": "你是不是想输入 {possibility}？",
    "(Possible options: {possibilities})": "（可用的选项：{possibilities}）",
    "(Did you mean one of: {possibilities}?)": "（你是不是想输入其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value: {message}": "无效的值：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值。可用的值：{states}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "Aborted!": "已中止。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.":
        "显示当前 shell 的补全脚本，用于复制或自定义安装。",
}


# typer's own copy of click writes most errors as finished English sentences (no gettext):
# those are translated by their shapes (pattern, template), the first that matches.
_VALUE_RULES: list[tuple[str, str]] = [
    (r"^(.+) is not a valid (?:int|integer)\.$", r"\1 不是有效的整数。"),
    (r"^(.+) is not a valid float\.$", r"\1 不是有效的数字。"),
    (r"^(.+) is not a valid boolean\. Recognized values: (.+)$", r"\1 不是有效的布尔值。可用的值：\2"),
    (r"^(.+) is not in the range (.+)\.$", r"\1 不在范围 \2 内。"),
    (r"^(.+) is not one of (.+)\.$", r"\1 不是 \2 之一。"),
    (r"^(.+) is not (.+)\.$", r"\1 不是 \2。"),
]
_ERROR_RULES: list[tuple[str, str]] = [
    (r"^No such option: (\S+) \(Possible options: (.+)\)$", r"没有选项 \1（可用的选项：\2）"),
    (r"^No such option: (\S+)$", r"没有选项 \1"),
    (r"^Missing argument (.+)\.$", r"缺少参数 \1。"),
    (r"^Missing option (.+)\.$", r"缺少选项 \1。"),
    (r"^Missing parameter:? (.+?)\.?$", r"缺少参数 \1。"),
    (r"^Option (.+) requires an argument\.$", r"选项 \1 需要一个值。"),
    (r"^Option (.+) requires (\d+) arguments\.$", r"选项 \1 需要 \2 个值。"),
    (r"^Option (.+) does not take a value\.$", r"选项 \1 不接受值。"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数（\1）"),
    (r"^Argument (.+) takes (\d+) values\.$", r"参数 \1 需要 \2 个值。"),
]


def _apply(rules: list[tuple[str, str]], text: str) -> Optional[str]:
    import re

    for pattern, template in rules:
        if re.match(pattern, text):
            return re.sub(pattern, template, text, count=1)
    return None


def error_zh(message: str) -> str:
    """An error message of click's in Chinese (unknown shapes stay as they are)."""
    import re

    match = re.match(r"^Invalid value for (.+?): (.+)$", message) or re.match(r"^Invalid value: ()(.+)$", message)
    if match:
        value = _apply(_VALUE_RULES, match.group(2)) or match.group(2)
        return f"{match.group(1)} 的值无效：{value}" if match.group(1) else f"无效的值：{value}"
    return _apply(_ERROR_RULES, message) or MESSAGES.get(message, message)


def show_error(exc, stream) -> None:
    """What click's UsageError.show writes, in Chinese: the usage, where help is, the error."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        stream.write(ctx.get_usage() + "\n")
        if ctx.command.get_help_option(ctx) is not None:
            stream.write(f"运行 '{ctx.command_path} {ctx.help_option_names[0]}' 查看帮助。\n")
        stream.write("\n")
    stream.write(f"错误：{error_zh(exc.format_message())}\n")


def run(app, args: list[str]) -> int:
    """Run the typer ``app`` with Chinese errors; returns the exit code."""
    click = _click_package()
    try:
        code = app(args=args, standalone_mode=False)
    except click.exceptions.ClickException as exc:
        import sys

        show_error(exc, sys.stderr)
        return exc.exit_code
    except click.exceptions.Abort:
        import sys

        sys.stderr.write("\n已中止。\n")
        return 1
    return code if isinstance(code, int) else 0


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def translated_help(text: str) -> str:
    """A help text as typer built it, with the parts it wrote in English in Chinese:
    its own options' help and the "[required]" / "[default: …]" it appends."""
    for en, zh in (("  [required]", "  [必填]"), ("[default: ", "[默认：")):
        text = text.replace(en, zh)
    return MESSAGES.get(text, text)


def _formatter_class(click, lang: str):
    import shutil

    from rich.cells import cell_len

    from grader.ui import cjk

    colon = "：" if lang == "zh" else ":"

    class CellFormatter(click.HelpFormatter):
        """click's help layout, measured in cells and as narrow as the terminal (click's own
        never goes below 50 columns, so a 40-column terminal wrapped every line)."""

        def __init__(self, indent_increment: int = 2, width: Optional[int] = None, max_width: Optional[int] = None):
            super().__init__(indent_increment, width, max_width)
            if width is None:
                columns = shutil.get_terminal_size().columns
                self.width = max(min(columns, max_width or 80) - 2, 20)

        def write_usage(self, prog: str, args: str = "", prefix: Optional[str] = None) -> None:
            if prefix is None and lang == "zh":
                prefix = "用法："
            super().write_usage(prog, args, prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            for paragraph in text.split("\n\n"):
                lines = cjk.wrap(" ".join(paragraph.split()), max(self.width - self.current_indent, 11))
                self.write("".join(f"{indent}{line}\n" for line in lines))
                self.write("\n")
            self.buffer.pop()  # no blank line after the last paragraph

        def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
            rows = list(rows)
            # The terms' column takes at most a third of a narrow terminal; a longer term
            # puts its text on the next line, as click does past col_max.
            col_max = min(col_max, max(10, self.width // 3))
            first_col = min(max((cell_len(r[0]) for r in rows), default=0), col_max) + col_spacing
            indent = self.current_indent
            for first, second in rows:
                self.write(f"{'':>{indent}}{first}")
                if not second:
                    self.write("\n")
                    continue
                if cell_len(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - cell_len(first)))
                else:
                    self.write("\n" + " " * (first_col + indent))
                text = translated_help(second) if lang == "zh" else second
                lines = cjk.wrap(text, max(self.width - first_col - indent, 10))
                self.write(lines[0] + "\n")
                for line in lines[1:]:
                    self.write(" " * (first_col + indent) + line + "\n")

    return CellFormatter


def first_sentence(text: str) -> str:
    """A help text's first sentence, whole, for the command list: click cuts it to fit one
    line after the name ("Show the bank: id,..." at 40 columns) and a Chinese one, which
    has no spaces to cut at, to "..."; the formatter here wraps it instead."""
    import re

    head, found, _rest = text.partition("。")
    if found:
        return head
    match = re.search(r"(?<!\.)\.(?:\s|$)", text)  # a full stop, not an ellipsis
    return text[: match.start()] if match else text


def short_helps(app) -> None:
    """Give every command of the typer ``app`` its first sentence as the short help."""
    for info in app.registered_commands:
        if info.help and not info.short_help:
            info.short_help = first_sentence(info.help)


# typer >= 0.20 carries its own copy of click as typer._click; older ones use click itself.
_CLICKS = ("typer._click", "click")
_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators")


def _click_package():
    import importlib

    for name in _CLICKS:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("typer without click")


def _modules(package) -> Iterable[object]:
    import sys

    for name in _MODULES:
        module = sys.modules.get(f"{package.__name__}.{name}")
        if module is not None:
            yield module
    for name in ("typer.core", "typer.main"):
        if name in sys.modules:
            yield sys.modules[name]


def install_formatter(lang: str) -> None:
    """Help laid out in cells, at the terminal's width (also for English at 40 columns)."""
    click = _click_package()
    click.Context.formatter_class = _formatter_class(click, lang)


def install() -> None:
    """Chinese for click's and typer's strings, cell-measured help (call before parsing)."""
    click = _click_package()
    for module in _modules(click):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    install_formatter("zh")
