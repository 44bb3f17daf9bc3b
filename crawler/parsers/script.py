"""Last resort for bodies inside inline scripts of unknown shape: the most Korean string literal."""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement

from crawler.parsers.jsonld import text_or_html_lines
from crawler.parsers.scriptdata import is_state_script

# String literals long enough to hold an article; the alternatives are disjoint, so no
# catastrophic backtracking on megabyte-sized state blobs.
_LITERAL = re.compile(
    r'"((?:[^"\\\n]|\\.){200,})"|\'((?:[^\'\\\n]|\\.){200,})\'|`((?:[^`\\]|\\.){200,})`'
)
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
        for match in _LITERAL.finditer(script.text):
            raw = next(group for group in match.groups() if group is not None)
            count = len(_HANGUL.findall(raw)) or _escaped_hangul(raw)
            if count > best_count:
                best, best_count = _unescape(raw), count
    return best


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
