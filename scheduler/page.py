"""The status page: one server-rendered HTML document from a StatusReport; everything escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import urlsplit

from crawler.timeutil import KST
from scheduler.chart import legend, line_chart
from scheduler.heatmap import heat_legend, heat_map
from scheduler.status import ArticleRow, LeaderInfo, SourceStatus, StatusReport

REFRESH_SECONDS = 60
FONTS = (
    'system-ui, -apple-system, "Segoe UI", "Apple SD Gothic Neo", "Noto Sans KR", '
    '"Noto Sans CJK KR", "Malgun Gothic", "Nanum Gothic", sans-serif'
)
STYLE = f"""
body {{ font-family: {FONTS}; margin: 1.5rem; color: #1d1d1f; background: #fff;
  word-break: keep-all; }}
h1 {{ font-size: 1.5rem; margin: 0 0 .25rem; }}
h2 {{ font-size: 1.15rem; margin: 2rem 0 .5rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e3e6;
  vertical-align: top; }}
th {{ background: #f5f5f7; font-weight: 600; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
time, code {{ white-space: nowrap; }}
code {{ font-size: .85rem; color: #444; }}
.meta {{ color: #555; margin: 0; }}
.badge {{ display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .8rem;
  color: #fff; }}
.badge.broken {{ background: #c62828; }}
.badge.silent {{ background: #ef6c00; }}
.outcome.ok {{ color: #2e7d32; }}
.outcome.failed, .outcome.timeout, .outcome.killed {{ color: #c62828; }}
.chart {{ width: 100%; max-width: 960px; height: auto; display: block; }}
.chart .grid {{ stroke: #e3e3e6; }}
.chart .tick {{ font-size: 12px; fill: #555; font-family: {FONTS}; }}
.legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem;
  font-size: .85rem; }}
.heatmap {{ max-width: 100%; height: auto; display: block; }}
.heatmap .tick {{ font-size: 11px; fill: #555; font-family: {FONTS}; }}
.swatch {{ display: inline-block; width: 1.4rem; margin-right: .35rem;
  vertical-align: middle; }}
"""
BADGE_TITLES = {"broken": "연속 실패: 실패 알림 조건", "silent": "평소보다 오래 새 기사 없음"}


def kst(moment: datetime | None, missing: str = "-") -> str:
    """A <time> element in KST (machine-readable UTC in its datetime attribute)."""
    if moment is None:
        return missing
    stamp = moment.astimezone(KST).strftime("%Y-%m-%d %H:%M")
    return f'<time datetime="{escape(moment.isoformat())}">{stamp}</time>'


def safe_link(url: str | None, text: str) -> str:
    """`text` linked to `url` when it is an http(s) URL; other schemes stay plain text."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return escape(text)
    return f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(text)}</a>'


def _badge(row: SourceStatus) -> str:
    if row.badge is None:
        return ""
    return (
        f'<span class="badge {escape(row.badge)}" title="{BADGE_TITLES.get(row.badge, "")}">'
        f"{escape(row.badge)}</span>"
    )


def _last_run(row: SourceStatus) -> str:
    if row.last_status is None:
        return "never"
    reason = f' title="{escape(row.last_error)}"' if row.last_error else ""
    outcome = (
        f'<span class="outcome {escape(row.last_status)}"{reason}>{escape(row.last_status)}</span>'
    )
    return f"{kst(row.last_run_at)} {outcome}"


def _next_run(row: SourceStatus) -> str:
    if not row.enabled:
        return "disabled"
    return "now" if row.overdue else kst(row.next_run_at)


def source_row(row: SourceStatus) -> str:
    return (
        f'<tr class="source" data-source="{escape(row.key)}">'
        f"<td>{escape(row.name)} <code>{escape(row.key)}</code></td>"
        f"<td>{escape(row.schedule)}</td><td>{_last_run(row)}</td>"
        f'<td class="num">{row.failures_in_row}</td><td>{kst(row.last_new_article_at)}</td>'
        f"<td>{_next_run(row)}</td><td>{_badge(row)}</td>"
        f'<td class="num revised">{row.revised}</td><td class="num retracted">{row.retracted}</td>'
        "</tr>"
    )


def article_row(row: ArticleRow) -> str:
    return (
        f'<tr class="article"><td>{kst(row.fetched_at)}</td><td>{escape(row.outlet)}</td>'
        f"<td>{safe_link(row.url, row.headline)}</td>"
        f"<td><code>{escape(row.file_name)}</code></td></tr>"
    )


def _table(table_id: str, headers: tuple[str, ...], rows: list[str], empty: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(rows) or f'<tr><td colspan="{len(headers)}">{escape(empty)}</td></tr>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def leader_line(leader: LeaderInfo | None) -> str:
    """Which daemon schedules (PostgreSQL, several daemons); nothing with SQLite."""
    if leader is None:
        return ""
    where = f"{escape(leader.host)} (pid {leader.pid})"
    if leader.active:
        return f'<p class="meta" id="leader">작업 데몬: {where} · {kst(leader.since)} KST부터</p>'
    return f'<p class="meta" id="leader">작업 데몬 없음 (마지막: {where})</p>'


def render(report: StatusReport) -> str:
    """The whole page (UTF-8, lang="ko", no script, no external resource)."""
    names = {row.key: row.name for row in report.sources}
    sources = _table(
        "sources",
        (
            "출처",
            "일정",
            "마지막 실행",
            "연속 실패",
            "마지막 새 기사",
            "다음 실행",
            "상태",
            "수정된 기사",
            "삭제된 기사",
        ),
        [source_row(row) for row in report.sources],
        "설정된 출처가 없습니다",
    )
    articles = _table(
        "articles",
        ("추가 시각 (KST)", "언론사", "제목", "파일"),
        [article_row(row) for row in report.articles],
        "아직 기사가 없습니다",
    )
    first, last = report.days[0], report.days[-1]
    meta = f"{kst(report.generated_at)} KST 기준 · 말뭉치 파일 {report.corpus_files:,}개"
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{REFRESH_SECONDS}">
<meta name="referrer" content="no-referrer">
<title>newsmon 상태</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>newsmon</h1>
<p class="meta">{meta}{_archive(report)}</p>
{leader_line(report.leader)}
</header>
<h2>출처</h2>
{sources}
<h2>하루 새 기사 ({first.isoformat()} ~ {last.isoformat()}, KST)</h2>
{line_chart(report.days, report.daily, names)}
{legend(report.daily, names)}
<h2>과거 기사 수집 범위 (출처 × 월)</h2>
{heat_map(report.coverage)}
{heat_legend() if report.coverage else ""}
<h2>최근 기사 {len(report.articles)}건</h2>
{articles}
</body>
</html>
"""


def _archive(report: StatusReport) -> str:
    """The archive's size on the meta line (WARC captures), when there is one."""
    archive = report.archive
    if archive is None or not archive.files:
        return ""
    megabytes = archive.bytes / 1024 / 1024
    return f" · WARC 보관 {archive.records:,}건 ({archive.files:,}개 파일, {megabytes:,.1f} MB)"
