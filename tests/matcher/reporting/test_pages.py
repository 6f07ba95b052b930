"""The shared page head and the bilingual page texts."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from matcher.reporting.pages import LANGUAGES, page_environment, page_texts


@pytest.mark.parametrize(
    ("package", "page"), [("matcher.reporting", "training"), ("matcher.insights", "dashboard")]
)
def test_every_text_is_in_both_languages(package: str, page: str) -> None:
    texts = page_texts(package, page)
    assert texts
    for text in texts.values():
        assert set(text) == set(LANGUAGES)
        assert all(v.strip() for v in text.values())


def test_the_base_page_holds_the_head_and_the_body() -> None:
    page = (
        page_environment("matcher.insights")
        .get_template("base.html")
        .render(lang="id", title="a <b>", body=Markup("<p>x</p>"))
    )
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="id">' in page
    assert "<title>a &lt;b&gt;</title>" in page
    assert "<p>x</p>" in page
    assert "font-family:system-ui" in page
