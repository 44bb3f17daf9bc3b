"""Decoding of Korean pages: declarations are trusted only as far as the bytes allow."""

from __future__ import annotations

import codecs

import pytest

from crawler.parsers.encoding import decode_html

# 똠, 햏 and 뷁 exist in CP949 only; strict EUC-KR cannot encode or decode them.
TEXT = "광주 시민 '똠방각하' 햏자 뷁 소식입니다. 무등산 단풍이 절정에 이르렀다."


def page(charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>뉴스</title></head><body><p>{TEXT}</p></body></html>"


CASES = [
    pytest.param(page().encode("cp949"), "text/html; charset=euc-kr", id="http-header-only"),
    pytest.param(page("euc-kr").encode("cp949"), None, id="meta-only"),
    pytest.param(page("ks_c_5601-1987").encode("cp949"), None, id="meta-alias-ks_c_5601"),
    pytest.param(page().encode("cp949"), None, id="no-declaration-cp949"),
    pytest.param(page().encode("utf-8"), None, id="no-declaration-utf8"),
    pytest.param(page("euc-kr").encode("utf-8"), None, id="meta-says-euckr-bytes-utf8"),
    pytest.param(page("utf-8").encode("cp949"), None, id="meta-says-utf8-bytes-cp949"),
    pytest.param(page().encode("cp949"), "text/html; charset=UTF-8", id="header-utf8-bytes-cp949"),
    pytest.param(page().encode("cp949"), "text/html; charset=iso-8859-1", id="header-says-latin1"),
    pytest.param(page("euc-kr").encode("cp949"), "text/html; charset=utf-8", id="header-lies"),
    pytest.param(codecs.BOM_UTF8 + page("euc-kr").encode("utf-8"), None, id="bom-utf8-beats-meta"),
    pytest.param(codecs.BOM_UTF16_LE + page().encode("utf-16-le"), None, id="bom-utf16"),
]


@pytest.mark.parametrize(("body", "content_type"), CASES)
def test_decodes_korean_text(body: bytes, content_type: str | None) -> None:
    text = decode_html(body, content_type)
    assert TEXT in text
    assert "\ufffd" not in text
    assert not text.startswith("\ufeff")


def test_damaged_cp949_page_keeps_the_readable_text() -> None:
    body = page("euc-kr").encode("cp949").replace("뉴스".encode("cp949"), b"\xff\xfe")
    text = decode_html(body)
    assert TEXT in text
    assert text.count("\ufffd") <= 2


def test_ascii_page_decodes_unchanged() -> None:
    body = b"<html><body><p>plain ascii</p></body></html>"
    assert decode_html(body, "text/html") == body.decode("ascii")
