"""The crawl table says how many URLs were not fetched on purpose, per source."""

from __future__ import annotations

from crawler.crawl.runner import SourceReport
from db.run_counts import RunCounts
from newsmon.commands import crawl_table


def test_table_names_off_scope_and_refused_counts() -> None:
    quiet = SourceReport(
        key="calm", name="c", counts=RunCounts(added=1), added_files=["005_0123456789abcdef.txt"]
    )
    busy = SourceReport(key="busy", name="b", counts=RunCounts(off_scope=2, refused=3))
    lines = crawl_table([quiet, busy]).splitlines()
    assert "  ~ busy: 2 off scope, 3 refused" in lines
    assert not any(line.startswith("  ~ calm") for line in lines)
