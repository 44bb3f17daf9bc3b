"""Re-checks against an outlet whose articles change: what is a revision, a retraction, nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from corpus_folder.revision_texts import read_version
from corpus_folder.store import CorpusStore
from db.revisions import DueCheck, due
from db.session import open_database
from scheduler import recheck
from tests.fixture_server import serve
from tests.revision_site import EditingOutlet, story
from tests.scheduling.revision_env import T0, Env, FakeClock, outlet_config

pytestmark = pytest.mark.database
HOUR = timedelta(hours=1)
SLOT1 = HOUR + timedelta(minutes=1)
SLOT2 = 6 * HOUR + timedelta(minutes=1)


@pytest.fixture
def outlet() -> Iterator[EditingOutlet]:
    site = EditingOutlet()
    with serve(site):
        yield site


def make_env(
    tmp_path: Path, database_url: str, outlet: EditingOutlet, extra: str = ""
) -> Iterator[Env]:
    config = outlet_config(tmp_path, database_url, outlet, extra)
    database = open_database(database_url)
    try:
        yield Env(config, database, CorpusStore(config.corpus.dir, database), outlet, FakeClock(T0))
    finally:
        database.close()


@pytest.fixture
def env(tmp_path: Path, database_url: str, outlet: EditingOutlet) -> Iterator[Env]:
    yield from make_env(tmp_path, database_url, outlet)


def corpus_text(env: Env, seq: int) -> str:
    [name] = [n for n in env.store.file_names() if n.startswith(f"{seq:03d}_")]
    return (env.store.directory / name).read_text(encoding="utf-8")


def test_rewritten_paragraph_is_a_revision(env: Env) -> None:
    seq = env.first_fetch(1)
    first = corpus_text(env, seq)
    paragraphs = story(1).paragraphs
    paragraphs[0] = paragraphs[0].replace("4천억원", "3천8백억원")
    env.outlet.edit(1, paragraphs=paragraphs)
    report = env.check_at(SLOT1)
    assert (report.revised, report.requests) == (1, 2)  # robots.txt, the article
    [row] = env.revisions()
    revision = row.revision
    assert revision.kind == "revised" and revision.headline_old is None
    assert (revision.lines_added, revision.lines_removed) == (1, 1)
    assert revision.tokens_changed == 2
    assert revision.detected_at == T0 + SLOT1
    assert revision.text_path is not None
    new_text = read_version(env.store.state_dir, revision.text_path)
    assert "3천8백억원" in new_text and "4천억원" not in new_text
    assert corpus_text(env, seq) == first  # the corpus keeps the first version by default
    [(slot, due_at)] = env.queue().values()
    assert (slot, due_at) == (1, T0 + 6 * HOUR)


def test_changed_headline_is_recorded_old_and_new(env: Env) -> None:
    env.first_fetch(2)
    env.outlet.edit(2, headline="광주 AI 집적단지 2단계 사업 '재검토'")
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "headline"
    assert row.revision.headline_old == "광주 AI 집적단지 2단계 사업 발표 2"
    assert row.revision.headline_new == "광주 AI 집적단지 2단계 사업 '재검토'"
    assert (row.revision.lines_added, row.revision.lines_removed) == (0, 0)


def test_correction_note_appended(env: Env) -> None:
    env.first_fetch(3)
    note = "※ 바로잡습니다: 당초 기사에서 사업비를 잘못 표기해 바로잡습니다."
    env.outlet.edit(3, paragraphs=[*story(3).paragraphs, note])
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "revised"
    assert (row.revision.lines_added, row.revision.lines_removed) == (1, 0)
    assert row.revision.text_path is not None
    assert note in read_version(env.store.state_dir, row.revision.text_path).split("\n")


def test_ads_and_view_counter_only_record_nothing(env: Env) -> None:
    env.first_fetch(4)
    env.outlet.edit(4, ad="[광고] 연말 대방출 세일", views=98765)
    report = env.check_at(SLOT1)
    assert (report.unchanged, report.revised, report.headline) == (1, 0, 0)
    assert env.revisions() == []
    assert [slot for slot, _ in env.queue().values()] == [1]


@pytest.mark.parametrize("status", [404, 410])
def test_gone_is_a_retraction(env: Env, status: int) -> None:
    seq = env.first_fetch(5)
    env.outlet.edit(5, status=status)
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "retracted" and row.revision.detail == f"HTTP {status}"
    assert row.revision.detected_at == T0 + SLOT1
    assert env.queue() == {}  # nothing more to watch
    assert corpus_text(env, seq)  # the file stays


def test_redirect_to_front_page_is_a_retraction(env: Env) -> None:
    env.first_fetch(6)
    env.outlet.edit(6, redirect="/")
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "retracted"
    assert row.revision.detail is not None and "front page" in row.revision.detail


def test_redirect_to_unrelated_article_is_a_retraction(env: Env) -> None:
    env.first_fetch(7)
    other = story(70)
    other.headline = "영암 들녘 벼 수확 시작"
    other.paragraphs = [
        "전남 들녘마다 벼 베기가 한창이다. 올해는 태풍 피해가 적어 작황이 좋다는 평가다.",
        "농민들은 쌀값이 지난해보다 올라 한숨을 돌렸다고 말했다. "
        "수확은 이달 말까지 이어지고 햅쌀은 다음 주부터 시장에 나온다.",
    ]
    env.outlet.publish(other)
    env.outlet.edit(7, redirect=other.path)
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "retracted"
    assert row.revision.detail is not None and "unrelated" in row.revision.detail


def test_redirect_to_the_same_article_moved_is_no_retraction(env: Env) -> None:
    env.first_fetch(8)
    moved = story(8)
    moved.idxno = 800
    env.outlet.publish(moved)
    env.outlet.edit(8, redirect=moved.path)
    report = env.check_at(SLOT1)
    assert report.unchanged == 1 and env.revisions() == []


def test_503_records_nothing_then_the_next_slot_catches_the_real_state(env: Env) -> None:
    env.first_fetch(9)
    env.outlet.edit(9, status=503)
    report = env.check_at(SLOT1)
    assert report.failed == 1 and env.revisions() == []
    [(slot, _)] = env.queue().values()
    assert slot == 1  # retried at the next slot, not sooner
    quote = "시는 전문가 의견을 반영해 인재 양성 예산을 따로 편성하기로 했다고 덧붙였다."
    env.outlet.edit(9, status=200, paragraphs=[*story(9).paragraphs[:2], quote])
    env.check_at(SLOT2)
    [row] = env.revisions()
    assert row.revision.kind == "revised" and row.revision.lines_removed == 1
    assert row.revision.detected_at == T0 + SLOT2


def test_unchanged_page_is_answered_304_without_extraction(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.first_fetch(10)
    calls: list[str] = []
    monkeypatch.setattr(recheck, "extract_article", lambda *a, **k: calls.append("x"))
    env.outlet.log.clear()
    report = env.check_at(SLOT1)
    assert report.not_modified == 1 and calls == []
    [hit] = env.outlet.logged()
    assert hit.status == 304 and hit.headers.get("if-none-match")


def test_restart_mid_schedule_resumes_and_catches_up_once(env: Env) -> None:
    env.first_fetch(11)
    env.check_at(SLOT1)
    assert [slot for slot, _ in env.queue().values()] == [1]
    # A new process (new database handle, new checker) three days later: one request, not three.
    env.database.close()
    env.database = open_database(env.config.database.url)
    env.store = CorpusStore(env.config.corpus.dir, env.database)
    env.outlet.log.clear()
    report = env.check_at(timedelta(hours=71))
    assert report.requests == 2 and len(env.outlet.logged()) == 1
    [(slot, due_at)] = env.queue().values()
    assert (slot, due_at) == (3, T0 + 72 * HOUR)
    env.check_at(timedelta(hours=73))
    assert env.queue() == {}  # the schedule is over


def test_nothing_due_asks_nothing(env: Env) -> None:
    env.first_fetch(12)
    env.outlet.log.clear()
    report = env.check_at(timedelta(minutes=59))
    assert report.due == 0 and env.outlet.log == []


@pytest.fixture
def latest_env(tmp_path: Path, database_url: str, outlet: EditingOutlet) -> Iterator[Env]:
    yield from make_env(tmp_path, database_url, outlet, '[revisions]\ncorpus = "latest"\n')


def test_latest_corpus_follows_the_outlet_with_the_same_number(latest_env: Env) -> None:
    env = latest_env
    seq = env.first_fetch(13)
    [first_name] = env.store.file_names()
    first = corpus_text(env, seq)
    env.outlet.edit(13, headline="광주 AI 집적단지 2단계 사업 연기")
    env.check_at(SLOT1)
    [name] = env.store.file_names()
    assert name != first_name and name.startswith(f"{seq:03d}_")
    assert corpus_text(env, seq).startswith("광주 AI 집적단지 2단계 사업 연기\n")
    [row] = env.revisions()
    assert row.revision.replaced_file == first_name and row.file_name == name
    # Nothing is deleted: the first version's bytes are kept under their name.
    kept = env.store.state_dir / "replaced" / first_name
    assert kept.read_text(encoding="utf-8") == first
    report = env.store.verify()
    assert report.ok, report
    # A second edit compares with the latest version, and replaces again.
    env.outlet.edit(
        13, paragraphs=[*story(13).paragraphs, "※ 사업 일정이 바뀌어 제목을 고쳤습니다."]
    )
    env.check_at(SLOT2)
    assert [r.revision.kind for r in env.revisions()] == ["headline", "revised"]
    assert env.revisions()[1].revision.replaced_file == name
    assert env.store.verify().ok and len(env.store.file_names()) == 1


def test_latest_corpus_catches_up_after_a_crash_before_the_replacement(
    latest_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = latest_env
    seq = env.first_fetch(14)
    [first_name] = env.store.file_names()
    env.outlet.edit(14, headline="광주 AI 집적단지 2단계 사업 축소")

    def die(*args: object) -> None:
        raise SystemExit("killed between the revision's commit and the replacement")

    monkeypatch.setattr(recheck, "replace_text", die)
    with pytest.raises(SystemExit):
        checker = env.rechecker()
        env.clock.now = T0 + SLOT1
        checker.check(recheck_due(env)[0], recheck.CheckReport())
    assert env.store.file_names() == [first_name]  # the revision is recorded, the file is not
    monkeypatch.undo()
    env.check_at(SLOT2)  # the next slot's check puts the file in step first
    [name] = env.store.file_names()
    assert name != first_name
    assert corpus_text(env, seq).startswith("광주 AI 집적단지 2단계 사업 축소")
    assert [r.revision.kind for r in env.revisions()] == ["headline"]
    assert env.store.verify().ok


def recheck_due(env: Env) -> list[DueCheck]:
    with env.database.session() as session:
        return due(session, env.clock.now, 10)


def test_robots_txt_forbidding_the_page_skips_the_check(env: Env) -> None:
    env.first_fetch(15)
    env.outlet.add("/robots.txt", "User-agent: *\nDisallow: /news/\n", content_type="text/plain")
    env.outlet.edit(15, status=404)
    env.outlet.log.clear()
    report = env.check_at(SLOT1)
    assert report.skipped == 1 and env.outlet.logged() == [] and env.revisions() == []
    assert [slot for slot, _ in env.queue().values()] == [1]


def test_redirect_to_another_site_is_a_retraction_never_requested(env: Env) -> None:
    env.first_fetch(16)
    elsewhere = env.outlet.url(story(16).path).replace("127.0.0.1", "localhost")
    env.outlet.edit(16, redirect=elsewhere)
    env.outlet.log.clear()
    env.check_at(SLOT1)
    [row] = env.revisions()
    assert row.revision.kind == "retracted" and "another site" in str(row.revision.detail)
    assert [entry.path for entry in env.outlet.logged()] == [story(16).path]  # only the redirect


def test_a_page_that_breaks_extraction_is_a_failure_moved_to_the_next_slot(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.first_fetch(17)
    env.outlet.edit(17, views=5)  # a body (200), not a 304

    def broken(*args: object) -> None:
        raise ValueError("parser bug")

    monkeypatch.setattr(recheck, "extract_article", broken)
    report = env.check_at(SLOT1)
    assert report.failed == 1 and env.revisions() == []
    [(slot, _)] = env.queue().values()
    assert slot == 1  # not due again until the next slot
