"""The cost of re-checking stored articles, against the polls' own, and the share of edits caught.

Run from the repository root: ``python -m bench.revisions [--articles 300] [--edited 0.2]
[--checks 200] [--seed 1]``.

1. Cost. Requests per day follow from the configuration: one conditional request per article per
   slot, against the polls' requests of the built-in registry (every discovery URL of every
   source at its interval) and the day's new article fetches. CPU per request is measured: the
   re-checker on `--checks` stored articles of a fixture outlet (in a child process, so its CPU
   is not counted) answering 304, then 200 with unchanged text (an extraction and a comparison
   each), and the daemon's poll of a feed answering 304 and 200.
2. Edits caught. `--articles` articles published over a simulated day are first fetched within
   the poll interval; a share `--edited` of them is edited one to three times at random moments
   within 48 h of publication. The real re-checker runs on a simulated clock (the daemon's
   one-minute tick) against the fixture outlet, whose pages change as the clock passes the edits.
   An edit counts as caught when the version it made is the one some re-check saw (an edit
   overwritten by the next one before any re-check is missed); its delay is from the edit to the
   re-check that recorded it. Also printed: for how many edited articles the outlet's final
   version was recorded.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from corpus_folder.revision_texts import read_version  # noqa: E402
from corpus_folder.store import CorpusStore  # noqa: E402
from crawler.config import load_config  # noqa: E402
from crawler.sources import BUILTIN_SOURCES  # noqa: E402
from db.revisions import RevisionRow  # noqa: E402
from db.session import open_database  # noqa: E402
from scheduler.recheck import Rechecker  # noqa: E402
from tests.fixture_server import serve  # noqa: E402
from tests.revision_site import EditingOutlet, Story, story  # noqa: E402
from tests.scheduling.revision_env import T0, Env, FakeClock, outlet_config  # noqa: E402

TICK = timedelta(minutes=1)  # the daemon looks at the queue once a minute
POLL = timedelta(minutes=15)  # a first fetch comes within one poll interval of publication


def _serve_child(count: int, conn: Connection) -> None:
    outlet = EditingOutlet()
    outlet.publish(*(distinct(i) for i in range(1, count + 1)))
    with serve(outlet):
        conn.send(outlet.base_url)
        conn.recv()  # until the parent is done


def distinct(idxno: int) -> Story:
    """Story `idxno` with a body of its own (the crawl would keep near duplicates out)."""
    item = story(idxno)
    item.paragraphs = [f"{p} (기사 {idxno}번, 광주 {idxno % 7}구)" for p in item.paragraphs]
    return item


@contextmanager
def child_outlet(count: int) -> Iterator[str]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve_child, args=(count, child), daemon=True)
    process.start()
    try:
        yield str(parent.recv())
    finally:
        parent.send("done")
        process.join(5)


@dataclass
class Costs:
    recheck_304: float
    recheck_200: float
    poll_304: float
    poll_200: float


def measure_costs(checks: int) -> Costs:
    """CPU seconds per request: re-checks answered 304 and 200-unchanged, polls 304 and 200."""
    with child_outlet(checks) as base, tempfile.TemporaryDirectory() as tmp:
        outlet = EditingOutlet()  # this process's copy: only its URLs and pages are used
        outlet.base_url = base
        outlet.publish(*(distinct(i) for i in range(1, checks + 1)))
        env = _env(Path(tmp), outlet, f"sqlite:///{tmp}/newsmon.db")
        for idxno in range(1, checks + 1):
            env.first_fetch(distinct(idxno))
        per_304 = _run_cpu(env, timedelta(hours=1, minutes=1)) / checks
        _forget_validators(env)
        per_200 = _run_cpu(env, timedelta(hours=6, minutes=1)) / checks
        poll_304, poll_200 = _poll_cpu(env, base)
        env.database.close()
    return Costs(per_304, per_200, poll_304, poll_200)


def _env(tmp: Path, outlet: EditingOutlet, url: str, extra: str = "") -> Env:
    config = outlet_config(tmp, url, outlet, extra)
    database = open_database(url)
    store = CorpusStore(config.corpus.dir, database)
    return Env(config, database, store, outlet, FakeClock(T0))


def _run_cpu(env: Env, after: timedelta) -> float:
    env.clock.now = T0 + after
    checker = env.rechecker()
    started = time.process_time()
    report = checker.run()
    spent = time.process_time() - started
    checker.close()
    assert report.due > 0, report
    return spent


def _forget_validators(env: Env) -> None:
    from sqlalchemy import update

    from db.models import Recheck

    with env.database.session() as session:
        session.execute(update(Recheck).values(etag=None, last_modified=None))
        session.commit()


def _poll_cpu(env: Env, base: str, rounds: int = 50) -> tuple[float, float]:
    """CPU per discovery request of the daemon's poll: a feed answering 304, then 200."""
    from scheduler.poll import Poller
    from tests.conditional_server import ConditionalSite, serve_conditional
    from tests.sitegen import rss_feed

    site = ConditionalSite()
    paths = [distinct(i).path for i in range(1, 51)]
    site.add("/rss", rss_feed(base, paths), content_type="application/rss+xml")
    site.validate("/rss", etag='"feed"')
    with serve_conditional(site):
        config = load_config(env.config.path, env={})
        source = config.source("outlet")
        import dataclasses

        source = dataclasses.replace(source, feeds=(site.url("/rss"),), homepage="")
        poller = Poller(config, env.database)
        costs = []
        for conditional in (True, False):
            if not conditional:
                site.etags.clear()
            poll = poller.poll(source)
            poller.commit(poll)
            started = time.process_time()
            requests = 0
            for _ in range(rounds):
                poll = poller.poll(source)
                poller.commit(poll)
                requests += poll.requests
            costs.append((time.process_time() - started) / max(1, requests))
        poller.close()
    return costs[0], costs[1]


def requests_per_day(articles: int, slots: int) -> tuple[float, float]:
    """(re-check requests a day, poll requests a day) for the built-in registry."""
    polls = sum(len(s.discovery_urls) * 86400 / s.interval_seconds for s in BUILTIN_SOURCES)
    return articles * slots, polls + articles


def simulate(articles: int, edited: float, seed: int, schedule: str) -> dict[str, float]:
    """Edits caught by the schedule (see the module docstring), on a simulated clock."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        outlet = EditingOutlet()
        with serve(outlet):
            env = _env(Path(tmp), outlet, f"sqlite:///{tmp}/newsmon.db",
                       f"[revisions]\nrecheck = {schedule}\n")  # fmt: skip
            plan = _plan(rng, articles, edited)
            return _replay(env, plan)


@dataclass
class Planned:
    item: Story
    fetched: datetime
    edits: list[datetime]


def _plan(rng: random.Random, articles: int, edited: float) -> list[Planned]:
    planned = []
    for idxno in range(1, articles + 1):
        published = T0 + timedelta(seconds=rng.uniform(0, 86400))
        fetched = published + timedelta(seconds=rng.uniform(0, POLL.total_seconds()))
        edits: list[datetime] = []
        if rng.random() < edited:
            count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
            edits = sorted(published + timedelta(hours=rng.uniform(0, 48)) for _ in range(count))
        planned.append(Planned(distinct(idxno), fetched, edits))
    return planned


def _replay(env: Env, plan: list[Planned]) -> dict[str, float]:
    """Run the real re-checker tick by tick through the plan; count caught and missed edits."""
    events = sorted((p.fetched, "fetch", p) for p in plan)
    events += sorted((when, "edit", p) for p in plan for when in p.edits)
    events.sort(key=lambda e: (e[0], e[1]))
    version: dict[int, int] = {}
    made: dict[tuple[int, int], datetime] = {}  # (idxno, version) -> when the edit made it
    seen: dict[tuple[int, int], datetime] = {}
    fetched: set[int] = set()
    checker = Rechecker(env.config, env.database, env.store, clock=env.clock)
    requests = 0
    now = T0
    last = max(p.fetched for p in plan) + timedelta(seconds=env.config.revisions.recheck[-1])
    queue = iter(events)
    pending = next(queue, None)
    while now <= last + 2 * TICK:
        while pending is not None and pending[0] <= now:
            when, kind, item = pending
            idxno = item.item.idxno
            if kind == "fetch":
                env.clock.now = when
                env.first_fetch(item.item)
                env.clock.now = now
                fetched.add(idxno)
                version[idxno] = version.get(idxno, 0)
            else:
                version[idxno] = version.get(idxno, 0) + 1
                _apply_edit(env.outlet, item.item, version[idxno])
                if idxno in fetched:
                    made[(idxno, version[idxno])] = when
            pending = next(queue, None)
        env.clock.now = now
        report = checker.run()
        requests += report.requests
        if report.revised or report.headline:
            for row in env.revisions():
                key = (int(str(row.url).rsplit("=", 1)[1]), _version_of(env, row))
                seen.setdefault(key, row.revision.detected_at)
        now += TICK
    checker.close()
    caught = [seen[key] - made[key] for key in made if key in seen]
    delays = [delay.total_seconds() / 3600 for delay in caught]
    edited = {idxno for idxno, _ in made}
    return {
        "edits": len(made),
        "caught": len(caught),
        "articles": len(edited),
        "final_seen": sum(1 for idxno in edited if (idxno, version[idxno]) in seen),
        "share": len(caught) / len(made) if made else 1.0,
        "median_delay_h": statistics.median(delays) if delays else 0.0,
        "requests_per_article": requests / len(plan),
    }


def _apply_edit(outlet: EditingOutlet, item: Story, number: int) -> None:
    paragraphs = list(outlet.stories[item.path].paragraphs)
    paragraphs[number % len(paragraphs)] += f" (수정 {number})"
    outlet.edit(item.idxno, paragraphs=paragraphs)


def _version_of(env: Env, row: RevisionRow) -> int:
    assert row.revision.text_path is not None
    text = read_version(env.store.state_dir, row.revision.text_path)
    marks = [int(part.split(")")[0]) for part in text.split("(수정 ")[1:]]
    return max(marks, default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="new articles a day")
    parser.add_argument("--edited", type=float, default=0.2)
    parser.add_argument("--checks", type=int, default=200, help="re-checks timed per answer")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    costs = measure_costs(args.checks)
    print(
        f"CPU per request (ms): re-check 304 {costs.recheck_304 * 1e3:.2f}, "
        f"re-check 200 {costs.recheck_200 * 1e3:.2f}, poll 304 {costs.poll_304 * 1e3:.2f}, "
        f"poll 200 {costs.poll_200 * 1e3:.2f}"
    )
    for schedule in (
        '["1h", "6h", "24h", "72h"]',
        '["1h", "3h", "6h", "12h", "24h", "48h", "72h"]',
    ):
        slots = schedule.count(",") + 1
        rechecks, polls = requests_per_day(args.articles, slots)
        print(f"\nschedule {schedule}")
        print(f"  requests/day: re-checks {rechecks:.0f} vs polls {polls:.0f} "
              f"(+{rechecks / polls:.0%})")  # fmt: skip
        cpu_low, cpu_high = rechecks * costs.recheck_304, rechecks * costs.recheck_200
        poll_cpu = (polls - args.articles) * costs.poll_304
        print(f"  CPU s/day: re-checks {cpu_low:.1f} (all 304) to {cpu_high:.1f} (all 200) "
              f"vs polls' discovery {poll_cpu:.1f} (all 304)")  # fmt: skip
        found = simulate(args.articles, args.edited, args.seed, schedule)
        print(f"  edits after first fetch {found['edits']:.0f}, caught {found['caught']:.0f} "
              f"({found['share']:.1%}), median delay {found['median_delay_h']:.1f} h, "
              f"{found['requests_per_article']:.2f} requests per article; latest version "
              f"recorded for {found['final_seen']:.0f} of {found['articles']:.0f} edited "
              "articles")  # fmt: skip


if __name__ == "__main__":
    main()
