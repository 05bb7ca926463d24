"""Companies in order of a metric's polarity, and the rows that cannot be ranked fairly.

A ranking takes one comparison (one metric, or one intensity, in one year) and orders
the companies whose figures can be set side by side: lower first for what is better low
(emissions, energy, water, waste, their intensities), higher first for what is better
high (training, women in management). A row flagged as unlike the others
(``UNRANKABLE``) is never ranked silently: it is listed with its reason, or, when asked,
ranked and marked. The group's median, quartiles, minimum and maximum are those of the
ranked rows.

Ranks are competition ranks (1, 2, 2, 4: tied values share the better rank). The
percentile is the share of the other ranked companies a company does better than, ties
counting half: 100 for the sole best, 0 for the sole worst, 50 for a company alone or
in the middle; its quartile is 1 (the best quarter, 75 and above) to 4 (below 25).
Median and quartiles are the inclusive quantiles (``statistics.quantiles`` with
``method="inclusive"``, as a spreadsheet's QUARTILE.INC), which stay inside the values
of a small group.
"""

from __future__ import annotations

import os
import statistics
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .model import Value, basis_differences
from .results import Entry, Spread

if TYPE_CHECKING:
    from .catalog import Catalog

# Flags that make a row unlike the others: a basis that differs, a figure in doubt, a sum
# of fewer components than the company reports, a year not the others', a change of
# definition. The reason is said beside the row.
UNRANKABLE = {
    "basis_differs": "on another basis than the others",
    "inconsistent": "the figure is in doubt (a check fails on it)",
    "partial": "a sum of fewer components than the company reports",
    "year_differs": "of another year than the others",
    "not_comparable": "the company says it is not comparable with earlier figures",
}


def reasons(flags: tuple[str, ...], detail: str = "") -> tuple[str, ...]:
    """Why a row with these flags cannot be ranked fairly (nothing: it can); ``detail``
    says how its basis differs, in the place of the general words."""
    return tuple(f"{flag}: {detail if flag == 'basis_differs' and detail else UNRANKABLE[flag]}"
                 for flag in flags if flag in UNRANKABLE)


def basis_detail(values: Sequence[Value], label: str = "") -> dict[str, str]:
    """For each company whose value is flagged basis_differs, how its basis differs from
    the other companies' (``boundary 'A' vs 'B' (c1, c2)``), ``label`` before each."""
    said: dict[str, dict[tuple[str, str, str], list[str]]] = {}
    for value in values:
        if "basis_differs" not in value.flags:
            continue
        parts = said.setdefault(value.company, {})
        for other in values:
            if other.company != value.company:
                for difference in basis_differences(value.basis, other.basis):
                    parts.setdefault(difference, []).append(other.company)
    return {company: "; ".join(
        f"{label}{aspect} '{mine}' vs '{theirs}' ({', '.join(sorted(others))})"
        for (aspect, mine, theirs), others in parts.items())
            for company, parts in said.items() if parts}


def order(figures: list[tuple[str, int, Decimal, tuple[str, ...]]], polarity: str,
          include_flagged: bool = False, details: dict[str, str] | None = None
          ) -> tuple[list[Entry], Spread | None]:
    """The figures (company, year, value, flags) ranked by ``polarity``; the unrankable
    ones after them, unranked unless ``include_flagged`` (then ranked, their reasons
    kept as marks; ``details``: how a company's basis differs, from basis_detail). The
    spread of the ranked values, or None without any."""
    details = details or {}
    rankable: list[tuple[str, int, Decimal, tuple[str, ...]]] = []
    held_back: list[tuple[str, int, Decimal, tuple[str, ...]]] = []
    for figure in figures:
        (rankable if include_flagged or not reasons(figure[3]) else held_back).append(figure)
    sign = 1 if polarity == "lower" else -1  # a score that is lower for the better value
    rankable.sort(key=lambda f: (sign * f[2], f[0]))
    values = [f[2] for f in rankable]
    scores = [sign * v for v in values]
    spread = _spread(values)
    entries = []
    for company, year, value, flags in rankable:
        better = sum(1 for score in scores if score < sign * value)
        worse = sum(1 for score in scores if score > sign * value)
        tied = len(values) - better - worse - 1
        rank = better + 1
        others = len(values) - 1
        percentile = (Decimal(50) if others == 0 else
                      ((Decimal(100) * worse + Decimal(50) * tied) / others
                       ).quantize(Decimal("0.1")))
        quartile = 1 if percentile >= 75 else 2 if percentile >= 50 else 3 if percentile >= 25 \
            else 4
        assert spread is not None
        distance = value - spread.median
        pct = ((distance / abs(spread.median) * 100).quantize(Decimal("0.1"))
               if spread.median else None)
        entries.append(Entry(company, year, value, flags, rank, percentile, quartile,
                             distance, pct, reasons(flags, details.get(company, ""))))
    entries += [Entry(company, year, value, flags,
                       reasons=reasons(flags, details.get(company, "")))
                for company, year, value, flags in sorted(held_back, key=lambda f: f[0])]
    return entries, spread


def _spread(values: list[Decimal]) -> Spread | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        low = high = ordered[0]
    else:
        low, _middle, high = statistics.quantiles(ordered, n=4, method="inclusive")
    # to the last digit of the least precise figure (docs/output.md#digits): a mean of
    # 4.53 and 18.62 is 11.58, not 11.575
    last = Decimal(1).scaleb(max(_exponent(value) for value in ordered))
    median, low, high = (Decimal(x).quantize(last) for x in (statistics.median(ordered),
                                                             low, high))
    return Spread(len(ordered), median, low, high, ordered[0], ordered[-1])


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite figures only
    return exponent


# ---- peer groups ----------------------------------------------------------------------

def peers_file() -> Path:
    """The user's peer groups: ESGCMP_PEERS, else peers.toml in esgcmp's configuration
    folder ($XDG_CONFIG_HOME/esgcmp, else ~/.config/esgcmp)."""
    named = os.environ.get("ESGCMP_PEERS")
    if named:
        return Path(named)
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "esgcmp" / "peers.toml"


def peer_groups(catalog: Catalog | None = None) -> dict[str, tuple[list[str], str]]:
    """Every peer group by name: its members as written and where it is defined: the
    built-in peers.toml, the user's peers.toml (a group of the same name replaces the
    built-in one), then the catalog's ``groups:``. A catalog group of a name peers.toml
    defines with other members is a catalog error naming both places (exit 4); with the
    same members, as written, it is the same group."""
    import tomllib

    from .errors import CatalogError
    from .catalog import builtin_catalog_path
    from .files import packaged_toml, read_regular_file

    # the built-in files by their names, not the path they are installed at
    groups = {name: (list(group["members"]), "builtin:peers.toml")
              for name, group in packaged_toml("peers.toml").get("groups", {}).items()}
    path = peers_file()
    if path.exists():
        raw = read_regular_file(path, 1 << 20, "peer groups file")
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CatalogError(f"not a peer groups file ({exc})", file=str(path),
                               fix="see docs/rank.md for its form") from None
        found = data.get("groups", {})
        if not isinstance(found, dict):
            raise CatalogError("'groups' must be a table of groups", file=str(path))
        for name, group in found.items():
            members = group.get("members") if isinstance(group, dict) else None
            if (not isinstance(members, list) or not members
                    or not all(isinstance(m, str) and m.strip() for m in members)):
                raise CatalogError(f"group '{name}' needs 'members', a list of company names",
                                   file=str(path), fix='members = ["china-unicom", "..."]')
            groups[name] = (members, str(path))
    for name, defined in (catalog.groups if catalog is not None else {}).items():
        members, where = list(defined.members), str(defined.origin)
        if defined.origin.file == str(builtin_catalog_path()):
            where = f"builtin:kpi_catalog.yaml:{defined.origin.line}"
        if name in groups and groups[name][0] != members:
            raise CatalogError(f"group '{name}' is defined here and in {groups[name][1]}, "
                               "with other members", file=defined.origin.file,
                               line=defined.origin.line,
                               fix="rename one of them, or give both the same members")
        groups[name] = (members, where)
    return groups


def with_peers(catalog: Catalog, companies: list[str] | None,
               group: str | None) -> list[str] | None:
    """The companies -c names and, with --peers, the group's (``None``: every company)."""
    if group is None:
        return companies
    return [*(companies or []), *peers(catalog, group)]


def peers(catalog: Catalog, name: str) -> list[str]:
    """The company ids of a peer group, or NotFoundError naming the groups there are (or,
    for a member no company is, the group's file and line)."""
    from .errors import NotFoundError

    groups = peer_groups(catalog)
    if name not in groups:
        raise NotFoundError("peer group", name, sorted(groups),
                            hint=f"groups are defined in {peers_file()} and in catalogs' "
                                 "groups: (docs/rank.md)")
    members, where = groups[name]
    found = []
    for member in members:
        try:
            found.append(catalog.resolve_company(member).id)
        except NotFoundError as exc:
            if exc.ambiguous:
                raise
            raise NotFoundError(exc.kind, exc.wanted, exc.known, exc.suggestions,
                                hint=f"a member of peer group '{name}' ({where})") from None
    return list(dict.fromkeys(found))
