"""A checker for Yarn Spinner 2 scripts: parse by the language's grammar, then check the story.

No Yarn compiler runs here (Yarn Spinner is C#), so this module reads a ``.yarn`` file the way
Yarn Spinner 2's lexer and markup parser do (``YarnSpinnerLexer.g4`` of Yarn Spinner 2.3+ and
``LineParser``), and reports what its compiler would reject:

- **Nodes**: header lines ``key: value`` (``key`` an identifier) before ``---``, a ``title``
  that is an identifier (letters, digits, ``_``; no ``.``), unique; a body closed by ``===``.
- **Lines**: text with only the escapes ``\\\\ \\< \\> \\{ \\} \\# \\/`` (and ``\\[ \\]`` passed
  to markup), no stray ``<<`` or ``//``, inline expressions ``{…}`` that parse, hashtags
  ``#text`` at the end; markup ``[name prop=value]…[/name]``, ``[name /]`` and ``[/]`` well
  nested, ``[nomarkup]`` honoured; the speaker from an explicit ``character`` marker or from the
  text before the first ``:``.
- **Options** ``-> text`` with an indented body; **commands** ``<<jump Title>>`` (to a node that
  exists), ``<<set $var to expr>>`` / ``<<set $var = expr>>`` (a declared or inferable
  variable), ``<<declare $var = expr [as type]>>`` (once per variable), ``<<if>>`` …
  ``<<endif>>`` balanced, ``<<call f(...)>>``, and any other ``<<command …>>``.

:func:`parse` returns a :class:`Document`; :func:`check` returns the problems of a script as
``"LINE: message"`` strings (an empty list when the script is valid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

_ID = re.compile(r"[A-Za-z_\u00a8-\ufffd\U00010000-\U000efffd][0-9A-Za-z_\u00a8-\ufffd\U00010000-\U000efffd]*")
_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HEADER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):[ ]*(.*)\Z")
_HASHTAG_TEXT = re.compile(r"[^ \t\r\n#$<]+")
_LEXER_ESCAPES = set("\\<>{}#/")


class YarnSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


# --- the document ---------------------------------------------------------------------------
@dataclass
class Line:
    text: str                      # as a player sees it: markup resolved, speaker removed
    speaker: Optional[str]
    hashtags: list[str]
    source_line: int


@dataclass
class Option:
    text: str
    speaker: Optional[str]
    hashtags: list[str]
    body: list["Statement"]
    source_line: int


@dataclass
class Command:
    name: str                      # "jump", "set", "declare", "if", "elseif", "else", "endif", "call", or the command's own
    args: str
    source_line: int
    target: Optional[str] = None   # jump
    variable: Optional[str] = None  # set / declare
    value: object = None           # set / declare, when a constant


Statement = Union[Line, Option, Command]


@dataclass
class Node:
    title: str
    headers: dict[str, str]
    body: list[Statement]
    source_line: int


@dataclass
class Document:
    nodes: dict[str, Node] = field(default_factory=dict)
    file_tags: list[str] = field(default_factory=list)


# --- expressions ----------------------------------------------------------------------------
_EXPR_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<string>"(?:[^"\\\r\n]|\\["\\])*")
  | (?P<var>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|&&|\|\||\+=|-=|\*=|/=|%=|[-+*/%<>!^=(),.])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
""", re.X)
_WORD_OPS = {"to", "lte", "gte", "is", "eq", "lt", "gt", "neq", "and", "or", "xor", "not", "as"}


def _expr_tokens(text: str, line: int) -> list[tuple[str, str]]:
    tokens, k = [], 0
    while k < len(text):
        m = _EXPR_TOKEN.match(text, k)
        if not m:
            raise YarnSyntaxError(line, f"unexpected {text[k]!r} in expression {text!r}")
        k = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group(kind)
        if kind == "word" and value in _WORD_OPS:
            kind = "op"
        tokens.append((kind, value))
    return tokens


class _ExprParser:
    """A small precedence parser for Yarn expressions; returns a constant when it can."""

    BINARY = [("or", "||", "xor", "^"), ("and", "&&"),
              ("==", "is", "eq", "!=", "neq"), ("<", "lt", ">", "gt", "<=", "lte", ">=", "gte"),
              ("+", "-"), ("*", "/", "%")]

    def __init__(self, tokens: list[tuple[str, str]], line: int) -> None:
        self.tokens = tokens
        self.k = 0
        self.line = line

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.k] if self.k < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.k += 1
        return tok

    def fail(self, message: str):
        raise YarnSyntaxError(self.line, message)

    def parse(self) -> object:
        value = self.binary(0)
        return value

    def binary(self, level: int) -> object:
        if level == len(self.BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in self.BINARY[level]:
            self.take()
            self.binary(level + 1)
            left = None
        return left

    def unary(self) -> object:
        kind, value = self.peek()
        if kind == "op" and value in ("-", "!", "not"):
            self.take()
            inner = self.unary()
            return -inner if value == "-" and isinstance(inner, float) else None
        return self.primary()

    def primary(self) -> object:
        kind, value = self.take()
        if kind == "number":
            return float(value)
        if kind == "string":
            return re.sub(r'\\(["\\])', r"\1", value[1:-1])
        if kind == "var":
            return None
        if kind == "word" and value in ("true", "false"):
            return value == "true"
        if kind == "word" and value == "null":
            return None
        if kind == "word":
            if self.peek() == ("op", "("):
                self.take()
                if self.peek() != ("op", ")"):
                    self.binary(0)
                    while self.peek() == ("op", ","):
                        self.take()
                        self.binary(0)
                if self.take() != ("op", ")"):
                    self.fail(f"expected ')' after the arguments of {value}()")
                return None
            if self.peek() == ("op", "."):      # an enum case, Enum.Case
                self.take()
                if self.take()[0] != "word":
                    self.fail("expected a case name after '.'")
                return None
            self.fail(f"unexpected word {value!r} in an expression")
        if (kind, value) == ("op", "("):
            inner = self.binary(0)
            if self.take() != ("op", ")"):
                self.fail("expected ')'")
            return inner
        self.fail(f"unexpected {value or 'end'!r} in an expression")


def parse_expression(text: str, line: int) -> object:
    """Parse a Yarn expression; return its value when it is a constant, else ``None``."""
    tokens = _expr_tokens(text, line)
    if not tokens:
        raise YarnSyntaxError(line, "an empty expression")
    parser = _ExprParser(tokens, line)
    value = parser.parse()
    if parser.k != len(tokens):
        raise YarnSyntaxError(line, f"unexpected {tokens[parser.k][1]!r} in expression {text!r}")
    return value


# --- lexing a line --------------------------------------------------------------------------
def _read_string(text: str, k: int, line: int) -> int:
    """The index just after the string literal that starts at ``text[k] == '"'``."""
    j = k + 1
    while j < len(text):
        if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '"\\':
            j += 2
            continue
        if text[j] == "\\":
            raise YarnSyntaxError(line, "a string may only escape \" and \\")
        if text[j] == '"':
            return j + 1
        j += 1
    raise YarnSyntaxError(line, "a string that is never closed")


def _read_expression(text: str, k: int, line: int) -> tuple[str, int]:
    """``text[k] == '{'``: the expression inside and the index after its ``}``."""
    j = k + 1
    while j < len(text):
        if text[j] == '"':
            j = _read_string(text, j, line)
            continue
        if text[j] == "}":
            return text[k + 1:j], j + 1
        if text[j] == "{":
            raise YarnSyntaxError(line, "'{' inside an inline expression")
        j += 1
    raise YarnSyntaxError(line, "an inline expression '{' that is never closed with '}'")


def _read_command(text: str, k: int, line: int) -> tuple[str, int]:
    """``text[k:k+2] == '<<'``: the command's inside and the index after its ``>>``."""
    j = k + 2
    while j < len(text):
        if text[j] == '"':
            j = _read_string(text, j, line)
            continue
        if text.startswith(">>", j):
            return text[k + 2:j], j + 2
        j += 1
    raise YarnSyntaxError(line, "a command '<<' that is never closed with '>>'")


def lex_text(text: str, line: int) -> tuple[str, list[str], list[str]]:
    """Lex a line's text (TextMode): the text passed on to markup (expressions evaluated when
    constant, else kept as ``{…}``), its hashtags and its trailing commands (line conditions)."""
    out: list[str] = []
    k = 0
    while k < len(text):
        ch = text[k]
        if ch == "\\":
            nxt = text[k + 1] if k + 1 < len(text) else ""
            if nxt in ("[", "]"):
                out.append("\\" + nxt)      # a markup escape, passed through
            elif nxt in _LEXER_ESCAPES:
                out.append(nxt)
            else:
                raise YarnSyntaxError(line, f"'\\{nxt}' is not an escape Yarn knows (only "
                                            "\\\\ \\< \\> \\{ \\} \\# \\/ \\[ \\])")
            k += 2
            continue
        if ch == "{":
            inner, k = _read_expression(text, k, line)
            value = parse_expression(inner, line)
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, bool):
                out.append("True" if value else "False")
            elif isinstance(value, float):
                out.append(f"{value:g}")
            else:
                out.append("{" + inner + "}")
            continue
        if text.startswith("//", k):
            break
        if ch == "#" or text.startswith("<<", k):
            tags, commands = _lex_trailer(text[k:], line)
            return "".join(out), tags, commands
        out.append(ch)
        k += 1
    return "".join(out), [], []


def _lex_trailer(text: str, line: int) -> tuple[list[str], list[str]]:
    """Hashtags and commands after a line's text (TextCommandOrHashtagMode)."""
    tags: list[str] = []
    commands: list[str] = []
    k = 0
    while k < len(text):
        if text[k] in " \t":
            k += 1
        elif text.startswith("//", k):
            break
        elif text[k] == "#":
            m = _HASHTAG_TEXT.match(text, k + 1)
            if not m:
                raise YarnSyntaxError(line, "a '#' with no hashtag text after it")
            tags.append(m.group(0))
            k = m.end()
        elif text.startswith("<<", k):
            inner, k = _read_command(text, k, line)
            commands.append(inner.strip())
        else:
            raise YarnSyntaxError(line, f"unexpected {text[k]!r} after the hashtags of a line "
                                        "(text must come before the first hashtag)")
    return tags, commands


# --- markup ---------------------------------------------------------------------------------
_MARKER_PROP = re.compile(r"\s*(?:(/)\s*\]|\]|([A-Za-z0-9_]+)\s*=\s*)")


def _markup_value(text: str, k: int, line: int) -> tuple[object, int]:
    k = k + len(text[k:]) - len(text[k:].lstrip())
    if k < len(text) and text[k] == '"':
        out, j = [], k + 1
        while j < len(text):
            if text[j] == "\\" and j + 1 < len(text):
                if text[j + 1] in '\\"':
                    out.append(text[j + 1])
                j += 2
                continue
            if text[j] == '"':
                return "".join(out), j + 1
            out.append(text[j])
            j += 1
        raise YarnSyntaxError(line, "markup: a string value that is never closed")
    m = re.compile(r"[0-9]+(?:\.[0-9]+)?|[A-Za-z0-9_]+").match(text, k)
    if not m:
        raise YarnSyntaxError(line, "markup: a property value is missing")
    word = m.group(0)
    value: object = word
    if word.lower() in ("true", "false"):
        value = word.lower() == "true"
    return value, m.end()


def _parse_marker(text: str, k: int, line: int) -> tuple[str, str, dict, int]:
    """``text[k] == '['``: (kind, name, properties, index after ``]``); kind is open, close,
    close_all or self_closing."""
    j = k + 1
    while j < len(text) and text[j].isspace():
        j += 1
    if text.startswith("/", j):                          # [/name] or [/]
        m = re.compile(r"/\s*([A-Za-z0-9_]*)\s*\]").match(text, j)
        if not m:
            raise YarnSyntaxError(line, "markup: a malformed closing marker")
        return ("close" if m.group(1) else "close_all"), m.group(1), {}, m.end()
    m = re.compile(r"[A-Za-z0-9_]+").match(text, j)
    if not m:
        raise YarnSyntaxError(line, "markup: '[' must start a marker — write \\[ for a "
                                    "literal bracket")
    name, j = m.group(0), m.end()
    props: dict = {}
    after = j + len(text[j:]) - len(text[j:].lstrip())
    if text.startswith("=", after):                     # [name=value …]
        props[name], j = _markup_value(text, after + 1, line)
    while True:
        m = _MARKER_PROP.match(text, j)
        if not m:
            raise YarnSyntaxError(line, f"markup: a malformed marker [{name} …")
        if m.group(0).strip().endswith("]"):
            kind = "self_closing" if m.group(1) else "open"
            return kind, name, props, m.end()
        prop = m.group(2)
        props[prop], j = _markup_value(text, m.end(), line)


def parse_markup(text: str, line: int) -> tuple[str, Optional[str]]:
    """The plain text a player sees and the speaker (``None`` if none), as Yarn's LineParser
    makes them: escaped brackets, markers, ``nomarkup``, the ``character`` attribute."""
    out: list[str] = []
    open_markers: list[str] = []
    explicit: Optional[str] = None
    has_explicit = False
    k = 0
    last = ""
    while k < len(text):
        ch = text[k]
        if ch == "\\" and k + 1 < len(text) and text[k + 1] in "[]":
            out.append(text[k + 1])
            last = text[k + 1]
            k += 2
            continue
        if ch == "[":
            at_start = not "".join(out) or last.isspace()
            kind, name, props, k = _parse_marker(text, k, line)
            if kind == "open" and name == "nomarkup":
                m = re.compile(r"\[\s*/\s*(nomarkup)?\s*\]").search(text, k)
                if not m:
                    raise YarnSyntaxError(line, "markup: [nomarkup] is never closed")
                out.append(text[k:m.start()])
                k = m.end()
                continue
            if kind == "open":
                open_markers.append(name)
            elif kind == "close":
                if name not in open_markers:
                    raise YarnSyntaxError(line, f"markup: [/{name}] closes nothing")
                idx = len(open_markers) - 1 - open_markers[::-1].index(name)
                open_markers.pop(idx)
            elif kind == "close_all":
                open_markers.clear()
            elif kind == "self_closing":
                if name == "character":
                    has_explicit = True
                    explicit = str(props.get("name", ""))
                trim = props.get("trimwhitespace", True)
                if at_start and trim is True and k < len(text) and text[k].isspace():
                    k += 1
            continue
        out.append(ch)
        last = ch
        k += 1
    plain = "".join(out)
    if has_explicit:
        return plain.strip(), (explicit or None)
    m = re.compile(r":\s*").search(text)
    if m:
        speaker = text[:m.start()]
        # the attribute spans the name, the colon and the spaces after it, in the plain text
        return plain[len(speaker) + (m.end() - m.start()):].strip(), speaker
    return plain.strip(), None


# --- the file -------------------------------------------------------------------------------
def _indent(raw: str) -> int:
    count = 0
    for ch in raw:
        if ch == " ":
            count += 1
        elif ch == "\t":
            count += 8 - count % 8
        else:
            break
    return count


def _parse_command(inner: str, line: int) -> Command:
    m = re.match(r"\s*(\S+?)(?=[\s>{,(]|$)(.*)\Z", inner, re.S)
    if not m:
        raise YarnSyntaxError(line, "an empty command <<>>")
    name, rest = m.group(1), m.group(2).strip()
    if name == "jump":
        target = rest
        if not _ID.fullmatch(target):
            raise YarnSyntaxError(line, f"<<jump>> needs a node title, not {target!r}")
        return Command("jump", rest, line, target=target)
    if name in ("set", "declare"):
        vm = re.match(r"(\$[A-Za-z_][A-Za-z0-9_]*)\s*(?:(to|=)(?![=])|(\+=|-=|\*=|/=|%=))\s*(.*)\Z",
                      rest, re.S)
        if not vm:
            raise YarnSyntaxError(line, f"<<{name}>> needs '$variable to value' (or '= value'), "
                                        f"not {rest!r}")
        if name == "declare" and vm.group(2) is None:
            raise YarnSyntaxError(line, "<<declare>> needs '$variable = value'")
        expr = vm.group(4)
        if name == "declare":
            expr = re.sub(r"\s+as\s+(string|number|bool)\s*\Z", "", expr)
        value = parse_expression(expr, line)
        return Command(name, rest, line, variable=vm.group(1), value=value)
    if name in ("if", "elseif"):
        parse_expression(rest, line)
        return Command(name, rest, line)
    if name in ("else", "endif"):
        if rest:
            raise YarnSyntaxError(line, f"<<{name}>> takes nothing after it")
        return Command(name, rest, line)
    if name == "call":
        parse_expression(rest, line)
        return Command(name, rest, line)
    return Command(name, rest, line)


def _parse_body(lines: list[tuple[int, str]], line_base: int) -> list[Statement]:
    """Parse a node body (a list of (line number, raw line)) into statements, options taking the
    more-indented lines after them as their body."""
    statements: list[Statement] = []
    stack: list[tuple[int, list[Statement]]] = [(-1, statements)]
    last_option: Optional[tuple[int, Option]] = None
    for number, raw in lines:
        content = raw.strip()
        if not content or content.startswith("//"):
            continue
        indent = _indent(raw)
        if last_option is not None and indent > last_option[0]:
            stack.append((last_option[0], last_option[1].body))
        last_option = None
        while len(stack) > 1 and indent <= stack[-1][0]:
            stack.pop()
        target = stack[-1][1]
        if content.startswith("->"):
            text, tags, _ = lex_text(content[2:].lstrip(" \t"), number)
            plain, speaker = parse_markup(text, number)
            if not plain:
                raise YarnSyntaxError(number, "an option with no text")
            option = Option(plain, speaker, tags, [], number)
            target.append(option)
            last_option = (indent, option)
        elif content.startswith("<<"):
            inner, end = _read_command(content, 0, number)
            tags, commands = _lex_trailer(content[end:], number)
            target.append(_parse_command(inner, number))
        elif content.startswith("#"):
            raise YarnSyntaxError(number, "a line cannot start with a hashtag (write \\# for a "
                                          "literal '#')")
        else:
            text, tags, _ = lex_text(content, number)
            plain, speaker = parse_markup(text, number)
            target.append(Line(plain, speaker, tags, number))
    return statements


def parse(text: str) -> Document:
    """Parse a Yarn 2 script; raise :class:`YarnSyntaxError` at the first error."""
    doc = Document()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    k = 0
    while k < len(lines):
        raw = lines[k].strip()
        if not raw or raw.startswith("//"):
            k += 1
            continue
        if raw.startswith("#"):
            doc.file_tags += _lex_trailer(raw, k + 1)[0]
            k += 1
            continue
        start = k + 1
        headers: dict[str, str] = {}
        while k < len(lines) and lines[k].strip() != "---":
            raw = lines[k].strip()
            if raw and not raw.startswith("//"):
                m = _HEADER.match(raw)
                if not m:
                    raise YarnSyntaxError(k + 1, f"expected a header 'key: value' or '---', "
                                                 f"not {raw!r}")
                if m.group(1) in headers:
                    raise YarnSyntaxError(k + 1, f"header {m.group(1)!r} given twice")
                headers[m.group(1)] = m.group(2).rstrip()
            k += 1
        if k >= len(lines):
            raise YarnSyntaxError(start, "a node without '---' before its body")
        title = headers.get("title")
        if title is None:
            raise YarnSyntaxError(start, "a node without a 'title:' header")
        if not _TITLE.match(title):
            raise YarnSyntaxError(start, f"title {title!r} is not valid: a node title starts "
                                         "with a letter or '_' and holds only letters, digits "
                                         "and '_'")
        if title in doc.nodes:
            raise YarnSyntaxError(start, f"two nodes are titled {title!r}")
        if "position" in headers and not re.fullmatch(r"-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?",
                                                      headers["position"]):
            raise YarnSyntaxError(start, f"position {headers['position']!r} is not 'x,y'")
        k += 1
        body: list[tuple[int, str]] = []
        while k < len(lines) and not lines[k].lstrip(" \t").startswith("==="):
            body.append((k + 1, lines[k]))
            k += 1
        if k >= len(lines):
            raise YarnSyntaxError(start, f"node {title!r} is never closed with '==='")
        if lines[k].strip() != "===":
            raise YarnSyntaxError(k + 1, "'===' must stand alone on its line")
        k += 1
        doc.nodes[title] = Node(title, headers, _parse_body(body, start), start)
    return doc


def _walk(statements: list[Statement]):
    for st in statements:
        yield st
        if isinstance(st, Option):
            yield from _walk(st.body)


def check(text: str) -> list[str]:
    """The problems of a Yarn 2 script (``[]`` when it is valid)."""
    try:
        doc = parse(text)
    except YarnSyntaxError as error:
        return [str(error)]
    problems: list[str] = []
    declared: dict[str, str] = {}
    statements = [(node, st) for node in doc.nodes.values() for st in _walk(node.body)]
    for node, st in statements:
        if isinstance(st, Command) and st.name == "declare":
            if st.variable in declared:
                problems.append(f"{st.source_line}: {st.variable} is declared twice")
            declared[st.variable] = type(st.value).__name__
    for node, st in statements:
        if isinstance(st, Command) and st.name == "jump" and st.target not in doc.nodes:
            problems.append(f"{st.source_line}: <<jump {st.target}>> goes to no node")
        if isinstance(st, Command) and st.name == "set" and declared:
            kind = declared.get(st.variable)
            if kind is None:
                problems.append(f"{st.source_line}: {st.variable} is set but never declared")
            elif st.value is not None and type(st.value).__name__ != kind:
                problems.append(f"{st.source_line}: {st.variable} is a {kind} but is set to "
                                f"{st.value!r}")
    depth = 0
    for node, st in statements:
        if isinstance(st, Command) and st.name == "if":
            depth += 1
        elif isinstance(st, Command) and st.name == "endif":
            depth -= 1
            if depth < 0:
                problems.append(f"{st.source_line}: <<endif>> without <<if>>")
                depth = 0
    if depth:
        problems.append("an <<if>> is never closed with <<endif>>")
    return problems


__all__ = ["Command", "Document", "Line", "Node", "Option", "YarnSyntaxError", "check",
           "lex_text", "parse", "parse_expression", "parse_markup"]
