"""The last check on every body: no paragraph may be code, JSON, CSS or a dump of URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Fragments that prose (Korean or not) practically never contains but serialised data always does.
# Serialisers write them without spaces; prose quoting words ("안전", "공정") has a space.
_JSON_MARKS = re.compile(
    r'\{\s*"|":\s*(?:["{\[\d-]|true\b|false\b|null\b)|","|"\s*\}|\}\s*,\s*\{|\],"'
)
_CODE_MARKS = re.compile(
    r"\bfunction\s*\(|=>\s*[{(]|\b(?:var|let|const)\s+[\w$]+\s*=|"
    r"\bwindow\.[\w$]+\s*[.=(\[]|\bdocument\.[\w$]+\(|\w\(\s*\)\s*[;{]|;\s*\}|\}\s*\)\s*[;(]|"
    r"\b(?:if|for|while)\s*\([^)]{0,200}\)\s*\{|\\u[0-9a-fA-F]{4}|\\[nrt\"/]"
)
# `selector { property: value; }` and bare declaration runs (`color:#333;margin:0`).
# Bounded repeats keep the scan linear on megabyte-long single-line blobs.
_CSS = re.compile(
    r"\{\s*[\w-]{1,40}\s*:\s*[^;{}]{1,200};|(?:[a-z-]{3,30}\s*:\s*[^;:{}]{1,60};\s*){2,}",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?:)?//[^\s\"'<>]+|www\.[^\s\"'<>]+", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][\w-]{0,30}(?:\s[^<>]{0,500})?/?>")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORDS = re.compile(r"[A-Za-z\uac00-\ud7a3\u4e00-\u9fff]")
# Every pattern above needs one of these; most prose has none, so most lines cost one scan.
_SUSPECT = re.compile(r'[{};=<\\]|":|","|//|www\.|window\.|document\.|function')
# Script statements that carry none of the marks above: a comment line, a jQuery chain
# (`$(document)`, `.off('click…')`, `$modal.addClass('on');`), a bare call or assignment ended by
# `;`, a block keyword with its parenthesis, a closing brace. Each is anchored to the whole line:
# prose never opens with `//`, `$(`, `.name(` or `}`, nor ends a call with `);`.
_ID = r"[A-Za-z_$][A-Za-z0-9_$]*"  # a script identifier (ASCII: Korean words are not code)
_STATEMENT = re.compile(
    r"^\s*(?://|/\*|\*/|\*\s*@)|\*/\s*$|"
    rf"^\s*\$(?:{_ID})?\s*\(|^\s*\${_ID}\s*(?:\.|\[|[-+*/]?=)|^\s*\.{_ID}\s*\(|"
    rf"^\s*{_ID}(?:\s*\.\s*{_ID}|\[[^\]]{{1,40}}\])*\s*\(.*\)\s*;\s*$|"
    rf"^\s*{_ID}(?:\.{_ID}|\[[^\]]{{1,40}}\])+\s*[-+*/]?=[^=].*;\s*$|"
    r"^\s*(?:if|for|while|switch|catch|function)\s*\(|^\s*(?:else|try|finally|do)\s*\{|"
    r"^\s*(?:return|break|continue|throw|await|debugger)\b[^\uac00-\ud7a3]*;\s*(?://.*)?$|"
    r"^\s*\}|^\s*[\])]\s*[;,)]|;\s*//"
)
# Weaker: a line that ends a statement or opens a block, when it is not Korean prose.
_STATEMENT_END = re.compile(r"[;{]\s*$")
_CALL_OR_ASSIGN = re.compile(r"[\w$]\(|[^=!<>]=[^=]")
_STATEMENT_HINT = re.compile(r"[;(){}$]|//|/\*|\*/")
# A line wedged between two code lines that does not read as a sentence is part of the code.
_FRAGMENT = 120
_PROSE_LINE = 40
_PROSE_END = re.compile(r"(?:[\uac00-\ud7a3][.?!]|다)[\"”’'」』)\]]*$")
_SOLID_PROSE = 150  # characters of sentences (2+ lines of 40+) that are a release beside a script
_SENTENCE = re.compile(r"[\uac00-\ud7a3][.?!…]?[\"”’'」』)]*$|[\uac00-\ud7a3]{2,}[^;{}()]*[.?!]$")
_MOSTLY_REJECTED = 0.5  # a body losing more than this share of its characters is not a body
_SOLID_BODY = 300  # characters of prose that are an article whatever code sits beside them


def is_code(line: str) -> bool:
    """True for a line that is program text or data, not something a reader would read."""
    if _STATEMENT_HINT.search(line) is not None and _is_statement(line):
        return True
    if _SUSPECT.search(line) is None:
        return False
    json_marks = len(_JSON_MARKS.findall(line))
    code_marks = len(_CODE_MARKS.findall(line))
    braces = line.count("{") + line.count("}")
    marks = json_marks + code_marks
    if json_marks >= 2 or code_marks >= 2 or (marks and braces):
        return True
    if marks and len(_HANGUL.findall(line)) < 0.2 * len(line):
        return True  # one code mark in a line that is not Korean prose
    if line.count("{") != line.count("}") and (json_marks or code_marks or ":" in line):
        return True
    if _CSS.search(line) is not None or len(_TAG.findall(line)) >= 2:
        return True
    return _is_url_dump(line)


def _is_statement(line: str) -> bool:
    """A script statement: the whole line is a comment, a jQuery chain, a call or a keyword."""
    hangul = len(_HANGUL.findall(line))
    if _STATEMENT.search(line) is not None:
        # A sentence that merely opens with a bracket still ends as Korean prose does.
        stripped = line.rstrip()
        return not (hangul > 0.5 * len(stripped) and stripped[-1:] in ".다")
    return (
        _STATEMENT_END.search(line) is not None
        and _CALL_OR_ASSIGN.search(line) is not None
        and hangul < 0.3 * len(line)
    )


def _is_url_dump(line: str) -> bool:
    """A line whose words are mostly web addresses (link lists, tracking pixels, src dumps)."""
    urls = _URL.findall(line)
    if not urls:
        return False
    rest = _URL.sub(" ", line)
    share = len(_WORDS.findall(rest)) / max(len(_WORDS.findall(line)), 1)
    return share < 0.3 or (len(urls) >= 3 and share < 0.6)


def gate(lines: Iterable[str]) -> list[str]:
    """The lines that are not code; nothing at all when most of the body was code.

    A body mostly made of rejected lines means the strategy read the wrong thing (a state blob,
    a script); what is left of it would be fragments, so the page is better without a body.
    """
    items = list(lines)
    flags = _wedged([is_code(line) for line in items], items)
    kept: list[str] = []
    rejected_lines = rejected_chars = kept_chars = 0
    for line, code in zip(items, flags, strict=True):
        if code:
            rejected_lines += 1
            rejected_chars += len(line)
        else:
            kept.append(line)
            kept_chars += len(line)
    # Unless the rest is plainly an article: sentences a reader reads, beside a script block
    # that a page printed as text into the same container.
    if _prose_chars(kept) >= _SOLID_PROSE:
        return kept
    if rejected_lines > len(kept):
        return []
    # One huge blob beside a few short lines is a state dump too; beside a real article
    # (an embedded widget's JSON in the body) it is dropped and the article kept.
    if kept_chars < _SOLID_BODY and rejected_chars > _MOSTLY_REJECTED * (
        rejected_chars + kept_chars
    ):
        return []
    return kept


def _prose_chars(lines: list[str]) -> int:
    """Characters in lines that read as sentences of prose (long, ending as Korean prose does)."""
    return sum(len(line) for line in lines if len(line) >= _PROSE_LINE and _PROSE_END.search(line))


def _wedged(flags: list[bool], lines: list[str]) -> list[bool]:
    """Also flag a short non-sentence line between two code lines (a fragment of one script).

    Only script neighbours count: a line between two bare links is the caption of a link list
    (`1) Lego Star Wars 75188` above `http://amzn.to/…`), and stays text.
    """
    script = [flag and not _is_url_dump(line) for flag, line in zip(flags, lines, strict=True)]
    out = list(flags)
    for index in range(1, len(lines) - 1):
        if flags[index] or not (script[index - 1] and script[index + 1]):
            continue
        line = lines[index]
        if len(line) <= _FRAGMENT and _SENTENCE.search(line) is None:
            out[index] = True
    return out
