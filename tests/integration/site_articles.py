"""Articles of the integration fixture site (written for these tests)."""

from __future__ import annotations

from tests.sitegen import Article

ON_TOPIC_1 = Article(
    idxno=101,
    headline="광주 AI 집적단지 2단계 예타 면제 확정…AX 실증 본격화",
    paragraphs=(
        "광주시가 추진해 온 인공지능 집적단지 2단계 사업이 예비타당성조사 면제를 확정받았다.",
        "광주시는 21일 정부가 AI 집적단지 2단계 사업을 예타 면제 대상으로 의결했다고 밝혔다. 총사업비는 6000억 원 규모다.",
        "2단계 사업은 국가 AI 데이터센터를 기반으로 제조·에너지·헬스케어 분야의 AX 실증을 확대하는 것이 핵심이다.",
        '강기정 광주시장은 "광주가 대한민국 인공지능 중심도시로 도약할 발판이 마련됐다"고 말했다.',
        "광주시는 내년 상반기 실증 기업 공모를 시작으로 2030년까지 단계적으로 사업을 추진할 계획이다.",
        "/홍길동 기자 hong@newsmon.example",
    ),
)
ON_TOPIC_2 = Article(
    idxno=102,
    headline="국가 AI 컴퓨팅센터 유치전…광주 첨단3지구 부지 제안",
    paragraphs=(
        "광주시가 국가 AI 컴퓨팅센터 유치를 위해 첨단3지구 부지를 제안했다.",
        "광주시는 이미 운영 중인 국가 AI 데이터센터와의 연계, 충분한 전력 공급 능력, 인공지능 인재 양성 기반을 강점으로 내세웠다.",
        '지역 경제계도 "광주는 AI 산업 생태계를 가장 먼저 갖춘 도시"라며 유치에 힘을 보탰다.',
        "과학기술정보통신부는 다음 달 현장 평가를 거쳐 최종 입지를 발표할 예정이다.",
    ),
)
# The same story under another URL (a re-post): must not be written twice.
REPOST_OF_1 = Article(idxno=103, headline=ON_TOPIC_1.headline, paragraphs=ON_TOPIC_1.paragraphs)
