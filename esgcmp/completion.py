"""Shell completion (bash, zsh, fish) of company ids and aliases, metric ids and years.

Typer calls these with the command line typed so far; they read the catalog it names
and offer the names that start with the word being typed. A catalog that cannot be read
completes nothing, quietly: completion must never fail or print.
"""

import re
from typing import Any

import typer

# A word every shell takes as it is: letters and digits of any script, then those and
# '_', '.', '-' and '+'. The shells' completion scripts do not quote what esgcmp prints
# (zsh's evaluates it, bash's expands '*' and '?' in it), so a name with any other
# character, ')', ';', '\\', a quote, '$', a space, is never offered; its id is.
_PLAIN = re.compile(r"[\w.][\w.+-]*")
# What a description (zsh and fish show one beside each word) keeps; any other
# character becomes a space.
_NOT_SHOWN = re.compile(r"[^\w.,+-]+")


def plain(word: str) -> bool:
    """Whether a word may be offered: no shell reads anything but the word in it."""
    return _PLAIN.fullmatch(word) is not None and word.isprintable()


def described(text: str) -> str:
    """A description beside an offered word, in the characters of a plain word and
    spaces."""
    return " ".join(_NOT_SHOWN.sub(" ", text).split())


def _completion_catalog(ctx: typer.Context) -> Any:
    """The catalog the command line names so far, for completion; None when it cannot be
    read (completion then offers nothing, and says nothing)."""
    from .api import Session

    try:
        params = ctx.params if ctx is not None else {}
        # (the session stays open: the catalog reads the cache as completion asks)
        return Session(params.get("catalog"),
                       builtin=not params.get("no_builtin", False)).catalog
    except Exception:  # noqa: BLE001 - completion must never fail or print
        return None


def company(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Company ids and the aliases that are plain shell words."""
    data = _completion_catalog(ctx)
    if data is None:
        return []
    return [(name, described(record.name)) for record in data.companies.values()
            for name in (record.id, *record.aliases)
            if plain(name) and name.casefold().startswith(incomplete.casefold())]


def metric(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    data = _completion_catalog(ctx)
    if data is None:
        return []
    return [(record.id, described(record.name)) for record in data.metrics.values()
            if plain(record.id) and record.id.startswith(incomplete.casefold())]


def year(ctx: typer.Context, incomplete: str) -> list[str]:
    """The years of the company named before, else every year of the catalog."""
    data = _completion_catalog(ctx)
    if data is None:
        return []
    try:
        named = ctx.params.get("company")
        company_id = data.resolve_company(named).id if isinstance(named, str) else None
        years = data.years(company_id)
    except Exception:  # noqa: BLE001 - an unknown company: every year
        years = data.years()
    return [str(one) for one in years if str(one).startswith(incomplete)]
