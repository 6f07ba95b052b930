"""What every HTML page of Selaras shares: the page head and styles, how templates are
found, and the page texts in two languages.

Pages are read offline (from a shared drive or an e-mail), so every one is a single file
with inline CSS and SVG. ``templates/base.html`` is the one head and style sheet: a page
template extends it (the round report, which is built in code, passes its body in).
The words of a bilingual page live beside its template as data
(``templates/<page>.json``: key -> ``{"en": ..., "id": ...}``), not in code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Literal

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

__all__ = ["LANGUAGES", "Language", "page_environment", "page_texts"]

Language = Literal["en", "id"]
LANGUAGES: tuple[Language, ...] = ("en", "id")


def page_environment(package: str = "matcher.reporting") -> Environment:
    """The Jinja environment for ``package``'s page templates (``<package>/templates``).

    ``base.html`` (the head and the styles) is found from every package.

    Parameters
    ----------
    package : str
        The package whose ``templates`` directory holds the page.

    Returns
    -------
    jinja2.Environment
        HTML autoescaped; block tags leave no blank lines.
    """
    loaders = [PackageLoader(package, "templates")]
    if package != "matcher.reporting":
        loaders.append(PackageLoader("matcher.reporting", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_texts(package: str, page: str) -> dict[str, dict[Language, str]]:
    """The texts of a bilingual page: ``<package>/templates/<page>.json``.

    Parameters
    ----------
    package : str
        The package whose ``templates`` directory holds the texts.
    page : str
        The page name (the file stem).

    Returns
    -------
    dict
        Text key -> language -> text.

    Raises
    ------
    ValueError
        If a text lacks a language (a page must never show a key instead of words).
    """
    raw: Mapping[str, Mapping[str, str]] = json.loads(
        files(package).joinpath("templates", f"{page}.json").read_text("utf-8")
    )
    missing = sorted(k for k, v in raw.items() if set(v) != set(LANGUAGES))
    if missing:
        raise ValueError(f"{page}.json: {', '.join(missing)} must have exactly {LANGUAGES}")
    return {k: {"en": v["en"], "id": v["id"]} for k, v in raw.items()}
