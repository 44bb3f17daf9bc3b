"""Last resort for bodies inside inline scripts of unknown shape: the most Korean string literal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.parsers.jsonld import text_or_html_lines
from crawler.parsers.scriptdata import is_state_script

# Tokens read left to right: comments and every string literal, short ones too, so a closing
# quote is never taken for an opening one. (A scan for long literals alone starts again after
# a short literal's closing quote and reads the code up to the next quote as a "string": on one
# city hall page that was dozens of jQuery lines between two template literals.) The
# alternatives are disjoint and unrolled, so no catastrophic backtracking on megabyte blobs.
_TOKEN = re.compile(
    r"//[^\n]*|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/|"
    r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`',
    re.DOTALL,
)
_MIN_LITERAL = 200  # characters: shorter strings are labels, selectors and markup snippets
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_MIN_HANGUL = 100


def script_body(root: HtmlElement) -> str | None:
    """The string in the page's inline scripts with the most Hangul, decoded; None if none."""
    best: str | None = None
    best_count = _MIN_HANGUL - 1
    for script in root.iterfind(".//script"):
        # Structured data is read by its structure (scriptdata), never as loose strings.
        if script.get("src") or not script.text or is_state_script(script):
            continue
        for raw in _literals(script.text):
            count = len(_HANGUL.findall(raw)) or _escaped_hangul(raw)
            if count > best_count:
                best, best_count = _unescape(raw), count
    return best


def _literals(code: str) -> Iterator[str]:
    """The string literals of a script at least _MIN_LITERAL long, comments skipped."""
    for match in _TOKEN.finditer(code):
        raw = match.group(1) or match.group(2) or match.group(3)
        if raw is not None and len(raw) >= _MIN_LITERAL:
            yield raw


def script_lines(root: HtmlElement) -> list[str]:
    """Lines of the script-held body (HTML inside the string is rendered like page markup)."""
    body = script_body(root)
    return text_or_html_lines(body) if body else []


def _escaped_hangul(raw: str) -> int:
    """Hangul written as \\uAC00 escapes (JSON encoders with ensure_ascii)."""
    codes = re.findall(r"\\u([0-9a-fA-F]{4})", raw)
    return sum(0xAC00 <= int(code, 16) <= 0xD7A3 for code in codes)


def _unescape(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
        if isinstance(value, str):
            return value
    except ValueError:
        pass
    return _ESCAPE.sub(_replace_escape, raw)


def _replace_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code.startswith("u{"):
        return chr(int(code[2:-1], 16))
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE.get(code, code)
