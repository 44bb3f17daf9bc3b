# One image for the CLI and the daemon: `docker compose run --rm newsmon status`, `… crawl`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY requirements/main.txt ./requirements/main.txt
# Every dependency at its locked version and hash, in a layer of its own (rebuilt only when the
# lock changes); then newsmon itself without resolving anything again.
RUN pip install --no-deps --require-hashes -r requirements/main.txt
COPY pyproject.toml README.md ./
COPY newsmon ./newsmon
COPY crawler ./crawler
COPY db ./db
COPY corpus_folder ./corpus_folder
COPY scheduler ./scheduler
RUN pip install --no-deps . && rm -rf /src

# The corpus directory and its state folder beside it exist (owned by the app user) so fresh
# named volumes inherit them.
RUN useradd --create-home --uid 10001 newsmon \
    && mkdir -p /data/corpus /data/corpus.newsmon \
    && chown -R newsmon:newsmon /data
USER newsmon
WORKDIR /data
ENV NEWSMON_CORPUS_DIR=/data/corpus
# The daemon's status page, /metrics and /healthz ([daemon] listen; compose publishes it).
EXPOSE 8750

ENTRYPOINT ["newsmon"]
CMD ["daemon"]
