"""Pure URL-shape analysis: the article URL pattern of a site, inferred from its links."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

MIN_ARTICLES = 3  # fewer links of one shape are not evidence of an article pattern
MIN_WILDCARD_VALUES = 3  # distinct words at one path position before it becomes [^/]+
_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"^(?:19|20)\d{2}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[A-Za-z_.~-]+$")
_IGNORED_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|from|sns|share)$", re.IGNORECASE)
_LEADING_WILDCARDS = re.compile(r"^(?:/\[\^/\]\+)+(?=/)")
WILDCARD = "[^/]+"


@dataclass(frozen=True)
class PatternGuess:
    """The inferred article URL pattern and the links that support it."""

    regex: str
    matches: tuple[str, ...]
    clusters: int  # link shapes that were compared


@dataclass(frozen=True)
class _Token:
    raw: str
    shape: str  # the generalised regex of this position
    kind: str  # "id" (a long number), "num", "date" (always generalised), "word", "text"


def _token(raw: str, after_year: bool = False) -> _Token:
    text = unquote(raw)
    if not text.isascii():
        return _Token(raw, WILDCARD, "text")
    if _DATE.match(text):
        return _Token(raw, r"\d{4}-\d{2}-\d{2}", "date")
    if re.fullmatch(r"(?:19|20)\d{2}", text) or (after_year and re.fullmatch(r"\d{1,2}", text)):
        return _Token(raw, r"\d+", "date")  # /2024/10/07/: a date in the path, never fixed
    if _WORD.match(text):
        return _Token(raw, re.escape(text), "word")
    runs = _DIGITS.findall(text)
    if not runs:
        return _Token(raw, WILDCARD, "text")
    shape = "".join(
        r"\d+" if part.isdigit() else re.escape(part) for part in re.split(r"(\d+)", text) if part
    )
    # zero-padded codes (bcd=0001) are menu codes, not ids: count significant digits
    longest = max(len(run.lstrip("0")) for run in runs)
    return _Token(raw, shape, "id" if longest >= 4 else "num")


_Shape = tuple[tuple[_Token, ...], tuple[tuple[str, _Token], ...]]


def _tokens(url: str) -> _Shape | None:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _IGNORED_PARAMS.match(k)
    ]
    if not segments and not query:
        return None
    path: list[_Token] = []
    for segment in segments:
        token = _token(segment, after_year=bool(path) and path[-1].kind == "date")
        if token.kind != "text" or path:  # a leading Korean category path is not structure
            path.append(token)
    return tuple(path), tuple((key, _token(value)) for key, value in query)


def _group_key(shape: _Shape) -> tuple[object, ...]:
    path, query = shape
    return (
        tuple("*" if t.kind == "word" else t.shape for t in path),
        tuple((k, "*" if t.kind == "word" else t.shape) for k, t in query),
    )


def infer_pattern(urls: Iterable[str]) -> PatternGuess | None:
    """The article URL pattern: the largest group of same-shaped links that carry a varying
    long numeric id (at least MIN_ARTICLES distinct links), as a regex for re.search."""
    groups: dict[tuple[object, ...], list[tuple[str, _Shape]]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        shape = _tokens(url)
        if shape is not None:
            groups[_group_key(shape)].append((url, shape))
    clusters: dict[str, list[str]] = defaultdict(list)
    for members in groups.values():
        for regex, cluster in _split(members).items():
            clusters[regex].extend(cluster)
    best: tuple[int, int, str] | None = None
    for regex, found in clusters.items():
        count = len(set(found))
        if count >= MIN_ARTICLES and (best is None or (count, len(regex)) > best[:2]):
            best = (count, len(regex), regex)
    if best is None:
        return None
    chosen = [best[2], *_siblings(best[2], clusters)]
    matches = tuple(dict.fromkeys(url for regex in chosen for url in clusters[regex]))
    return PatternGuess("|".join(chosen), matches, len(clusters))


_ID_PARAM = re.compile(r"\?\(\?:\[\^#\]\*&\)\?(\w+)=\\d\+$")


def _siblings(best: str, clusters: dict[str, list[str]]) -> list[str]:
    """Other link shapes with the same id parameter (article.php?aid= and the older
    read.php3?aid=): one site's two article forms, kept with as few as two links."""
    key = _ID_PARAM.search(best)
    if key is None:
        return []
    name = key.group(1)
    widths = _id_widths(clusters[best], name)
    return [
        regex
        for regex, found in clusters.items()
        if regex != best
        and len(set(found)) >= 2
        and (match := _ID_PARAM.search(regex)) is not None
        and match.group(1) == name
        # ids of one numbering (a 19-digit aid in both forms), not a gallery's short ones
        and _id_widths(found, name) <= widths
    ]


def _id_widths(urls: list[str], name: str) -> set[int]:
    found = (re.search(rf"[?&]{re.escape(name)}=(\d+)", url) for url in urls)
    return {len(match.group(1)) for match in found if match}


def _split(members: list[tuple[str, _Shape]]) -> dict[str, list[str]]:
    """One shape group -> {regex: urls}: path words with many values become wildcards, the
    others split the group; only sub-groups whose long id varies make a pattern."""
    path_values = [{shape[0][i].raw for _, shape in members} for i in range(len(members[0][1][0]))]
    subgroups: dict[tuple[str, ...], list[tuple[str, _Shape]]] = defaultdict(list)
    for url, (path, query) in members:
        pieces = tuple(_piece(tok, len(path_values[i])) for i, tok in enumerate(path))
        words = tuple(f"{k}={t.raw}" if t.kind == "word" else k for k, t in query)
        subgroups[(*pieces, "?", *words)].append((url, (path, query)))
    out: dict[str, list[str]] = {}
    for key, group in subgroups.items():
        regex = _id_regex(key[: key.index("?")], group)
        if regex is not None:
            # A category word or Korean segment in front varies: re.search needs the tail.
            out.setdefault(_LEADING_WILDCARDS.sub("", regex), []).extend(u for u, _ in group)
    return out


def _id_regex(pieces: tuple[str, ...], group: list[tuple[str, _Shape]]) -> str | None:
    """The group's regex if some position holds long numbers that differ, else None."""

    def varying_id(tokens: list[_Token]) -> bool:
        return len({t.raw for t in tokens}) > 1 and any(t.kind == "id" for t in tokens)

    width = len(group[0][1][0])
    id_in_path = any(varying_id([s[0][i] for _, s in group]) for i in range(width))
    query = group[0][1][1]
    id_param = next(
        (
            f"{re.escape(key)}={tok.shape}"
            for i, (key, tok) in enumerate(query)
            if varying_id([s[1][i][1] for _, s in group])
        ),
        None,
    )
    if not (id_in_path or id_param):
        return None
    regex = "/" + "/".join(pieces)
    # Only the id parameter is required: sites reorder and add the others.
    return regex + (r"\?(?:[^#]*&)?" + id_param if id_param else "")


def _piece(token: _Token, distinct: int) -> str:
    if token.kind == "text" or (token.kind == "word" and distinct >= MIN_WILDCARD_VALUES):
        return WILDCARD
    if token.kind == "date" or (token.kind in ("id", "num") and distinct > 1):
        return token.shape
    return re.escape(unquote(token.raw))
