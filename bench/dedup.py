"""Near-duplicate index at corpus scale: build, load, size, memory and time to check one article.

Run from the repository root: ``python bench/dedup.py [--sizes 1000,10000,100000]``.
Articles are synthetic Korean-like text (~1,500 characters, words drawn Zipf-wise from a fixed
syllable vocabulary, deterministic seed). Per size it prints the build time (batch
rebuild), the load time (first and best of three) and RSS of a fresh process opening the index,
the index size on disk, and the median time of `query` over re-published copies (last line
replaced) and unseen articles, with how many copies were found. Last come the ratio of the
largest to the smallest size's median query time and the signature cost against datasketch.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from crawler.neardup import NearDuplicateIndex  # noqa: E402
from crawler.neardup.shingling import shingle_array  # noqa: E402
from crawler.neardup.signature import NUM_PERM, minhash  # noqa: E402

SEED = 20251021
QUERIES = 200
ENDINGS = ("했다.", "밝혔다.", "말했다.", "전했다.", "예정이다.", "계획이다.", "강조했다.")


def vocabulary(size: int = 30_000) -> list[str]:
    """Words of 1-4 Hangul syllables, most frequent first (the order sets the Zipf rank)."""
    rng = np.random.default_rng(SEED)
    lengths = rng.choice([1, 2, 3, 4], p=[0.1, 0.45, 0.3, 0.15], size=size)
    syllables = rng.integers(0xAC00, 0xD7A4, size=int(lengths.sum()))
    words, start = [], 0
    for length in lengths.tolist():
        words.append("".join(map(chr, syllables[start : start + length].tolist())))
        start += length
    return words


WORDS = vocabulary()


def article(number: int, chars: int = 1_500) -> str:
    """Headline line, then paragraphs of sentences, about `chars` characters in all."""
    rng = np.random.default_rng([SEED, number])
    ranks = (rng.zipf(1.3, size=chars // 2) - 1) % len(WORDS)
    words = [WORDS[rank] for rank in ranks.tolist()]
    lines, sentence, paragraph, total = [" ".join(words[:6])], [], [], 0
    for word in words[6:]:
        sentence.append(word)
        if len(sentence) >= 8 and rng.random() < 0.2:
            paragraph.append(" ".join(sentence) + ENDINGS[int(rng.integers(len(ENDINGS)))])
            total += len(paragraph[-1])
            sentence = []
            if len(paragraph) >= 3:
                lines.append(" ".join(paragraph))
                paragraph = []
        if total >= chars:
            break
    lines.append(" ".join(paragraph) or " ".join(sentence))
    return "\n".join(lines)


def corpus(size: int) -> Iterator[tuple[str, str]]:
    for number in range(size):
        yield f"{number:06d}_{number:016x}.txt", article(number)


def republished(number: int) -> str:
    """The same article as another outlet carries it: its own last line."""
    lines = article(number).splitlines()
    return "\n".join([*lines[:-1], "<저작권자 ⓒ 남도일보 무단전재 및 재배포 금지>"])


def load_in_child(directory: Path) -> dict[str, float]:
    """Open the index in a fresh process; its load time and RSS after loading."""
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from crawler.neardup import NearDuplicateIndex\n"
        "started = time.perf_counter()\n"
        "index = NearDuplicateIndex.open(Path(sys.argv[1]))\n"
        "seconds = time.perf_counter() - started\n"
        "status = Path('/proc/self/status').read_text()\n"
        "rss = next(int(l.split()[1]) for l in status.splitlines() if l.startswith('VmRSS'))\n"
        "print(json.dumps({'load_s': seconds, 'rss_mb': rss / 1024, 'docs': len(index)}))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code, str(directory), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def median_query_ms(index: NearDuplicateIndex, texts: list[str]) -> tuple[float, int]:
    timings, found = [], 0
    for text in texts:
        started = time.perf_counter()
        found += index.query(text) is not None
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, found


def bench_size(size: int, root: Path) -> float:
    directory = root / f"index-{size}"
    index = NearDuplicateIndex.open(directory)
    started = time.perf_counter()
    index.rebuild(corpus(size))
    build_s = time.perf_counter() - started
    index.close()
    loads = [load_in_child(directory) for _ in range(3)]
    loaded = min(loads, key=lambda load: load["load_s"])
    index = NearDuplicateIndex.open(directory)
    step = max(size // (QUERIES // 2), 1)
    copies = [republished(number) for number in range(0, size, step)][: QUERIES // 2]
    unseen = [article(size + number) for number in range(QUERIES // 2)]
    copy_ms, found = median_query_ms(index, copies)
    unseen_ms, false_hits = median_query_ms(index, unseen)
    index.close()
    disk_mb = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file()) / 2**20
    print(
        f"{size:>8,d} docs  build {build_s:6.1f} s  load {loads[0]['load_s']:5.3f} s "
        f"(best of 3 {loaded['load_s']:5.3f} s)  "
        f"RSS {loaded['rss_mb']:6.1f} MB  disk {disk_mb:7.1f} MB  "
        f"query copy {copy_ms:5.2f} ms ({found}/{len(copies)} found)  "
        f"unseen {unseen_ms:5.2f} ms ({false_hits} false)"
    )
    return statistics.median([copy_ms, unseen_ms])


def signature_costs(samples: int = 300) -> None:
    """Per-document signature time: ours (numpy) against datasketch's MinHash.update_batch."""
    from datasketch import MinHash

    texts = [article(10_000_000 + number) for number in range(samples)]
    arrays = [shingle_array(text) for text in texts]
    started = time.perf_counter()
    for hashes in arrays:
        minhash(hashes)
    ours = (time.perf_counter() - started) / samples * 1000
    started = time.perf_counter()
    for hashes in arrays:
        MinHash(num_perm=NUM_PERM).update_batch(
            [value.to_bytes(4, "little") for value in hashes.tolist()]
        )
    theirs = (time.perf_counter() - started) / samples * 1000
    started = time.perf_counter()
    for text in texts:
        shingle_array(text)
    shingling = (time.perf_counter() - started) / samples * 1000
    print(
        f"per document: shingling {shingling:.3f} ms, signature {ours:.3f} ms "
        f"(datasketch update_batch {theirs:.3f} ms), {NUM_PERM} permutations"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    lengths = [len(article(number)) for number in range(200)]
    print(f"synthetic articles: median {statistics.median(lengths):.0f} characters")
    medians = {}
    with tempfile.TemporaryDirectory(prefix="neardup-bench-") as root:
        for size in sizes:
            medians[size] = bench_size(size, Path(root))
    if len(medians) > 1:
        ratio = medians[max(medians)] / medians[min(medians)]
        print(f"median query time, {max(medians):,d} vs {min(medians):,d} docs: x{ratio:.2f}")
    signature_costs()


if __name__ == "__main__":
    main()
