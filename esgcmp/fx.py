"""Exchange rates the user gives (``--fx``, ``--fx-file``), and amounts printed in another
currency than their metric's converted with them.

esgcmp holds no rate of its own: a rate is of one day, from one source, average or
year-end, and which one fits is the analyst's choice. A value printed in another currency
(revenue in HK$ million under ``revenue``, in CNY) is kept in its own currency by the
reader (``Observation.currency``); here it is converted with the rate for its year, the
rate whose date falls in that year (the latest such, which for a year-end rate is the
year's last day), and marked ``fx`` with the rate, its date and its source. Without such a
rate it is not converted: it is missing from a comparison, with the rate to give.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec
from msgspec.structs import replace

from .decimals import LIMITS, out_of_bounds
from .errors import CatalogError, UsageError
from .model import Missing, Value, Why
from .precision import quotient
from .units import currencies


class Rate(msgspec.Struct, frozen=True):
    """1 ``source_currency`` = ``rate`` ``target_currency``, on ``date``, from ``cited``
    (the publisher the rates file names, or the option that gave it)."""

    source_currency: str
    target_currency: str
    rate: Decimal
    date: datetime.date
    cited: str

    def __str__(self) -> str:
        """``HKD→CNY 0.8912 @2020-12-31``, as the note beside a converted figure says it."""
        return (f"{self.source_currency}→{self.target_currency} {self.rate} "
                f"@{self.date.isoformat()}")


_FX = re.compile(r"(?P<pair>[^=]*)=(?P<rate>[^@]*)@(?P<date>.*)")
_EXAMPLE = "e.g. --fx HKD:CNY=0.8912@2020-12-31 (1 HKD = 0.8912 CNY on that day)"


def parse_rate(text: str) -> Rate:
    """``HKD:CNY=0.8912@2020-12-31`` as a rate; a usage error naming the bad part."""
    match = _FX.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--fx '{text}' is not FROM:TO=RATE@DATE", fix=_EXAMPLE)
    pair = match.group("pair").split(":")
    if len(pair) != 2:
        raise UsageError(f"--fx '{text}': '{match.group('pair')}' is not two currencies "
                         "as FROM:TO", fix=_EXAMPLE)
    source, target = (_currency(code, f"--fx '{text}'") for code in pair)
    return _rate(source, target, match.group("rate").strip(), match.group("date").strip(),
                 "--fx", f"--fx '{text}'", UsageError)


def _currency(code: str, where: str) -> str:
    found = code.strip().upper()
    if found == "RMB":  # the yuan's other name, as units.txt reads it
        found = "CNY"
    if found not in currencies():
        raise UsageError(f"{where}: unknown currency '{code.strip()}'",
                         fix=f"esgcmp knows {', '.join(sorted(currencies()))}")
    return found


def _rate(source: str, target: str, number: str, date: str | datetime.date, cited: str,
          where: str, error: type[UsageError] | type[CatalogError],
          file: str | None = None, line: int | None = None) -> Rate:
    def fail(message: str, fix: str = "") -> Exception:
        if error is UsageError:
            return UsageError(f"{where}: {message}", fix=fix or _EXAMPLE)
        return CatalogError(f"{where}: {message}", file=file, line=line,
                            fix=fix or 'e.g. rate = "0.8912", date = 2020-12-31')

    if source == target:
        raise fail(f"a rate from {source} to itself", "give two different currencies")
    try:
        rate = Decimal(number)
    except InvalidOperation:
        raise fail(f"rate '{number}' is not a number") from None
    if not rate.is_finite() or rate <= 0 or out_of_bounds(rate):
        raise fail(f"rate '{number}' is not a number above 0 ({LIMITS})")
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            raise fail(f"date '{date}' is not a date as YYYY-MM-DD") from None
    return Rate(source, target, rate, date, cited)


def rates(given: list[str] | None, files: list[Path] | None) -> tuple[Rate, ...]:
    """The rates of ``--fx`` options and ``--fx-file`` files, in the order given; the
    same pair and date given twice with two rates is a usage error."""
    found = [parse_rate(text) for text in given or []]
    for path in files or []:
        found += read_rates(path)
    seen: dict[tuple[str, str, datetime.date], Rate] = {}
    for rate in found:
        key = (rate.source_currency, rate.target_currency, rate.date)
        if key in seen and seen[key].rate != rate.rate:
            raise UsageError(f"two rates for {rate.source_currency}→{rate.target_currency} "
                             f"on {rate.date.isoformat()}: {seen[key].rate} "
                             f"({seen[key].cited}) and {rate.rate} ({rate.cited})",
                             fix="give one of them")
        seen.setdefault(key, rate)
    return tuple(seen.values())


_TABLE = re.compile(r"^\s*\[\[\s*rate\s*\]\]")


def read_rates(path: Path) -> list[Rate]:
    """A rates file: TOML ``[[rate]]`` tables of ``from``, ``to``, ``rate``, ``date`` and
    ``source`` (who published the rate; required). A file that is not such TOML is a
    catalog error (exit 4) naming the file and the line of the rate."""
    from .files import read_regular_file

    raw = read_regular_file(path, 1 << 20, "rates file")
    try:
        text = raw.decode("utf-8")
        # parse_float=Decimal: 0.8912 stays 0.8912, never a binary float
        data = tomllib.loads(text, parse_float=Decimal)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"not a rates file ({exc})", file=str(path),
                           fix="see docs/rank.md#currencies for its form") from None
    lines = [number for number, line in enumerate(text.splitlines(), 1) if _TABLE.match(line)]
    found = data.get("rate")
    if (not isinstance(found, list) or not found or set(data) != {"rate"}
            or not all(isinstance(entry, dict) for entry in found)):
        raise CatalogError("a rates file holds [[rate]] tables only, at least one",
                           file=str(path), fix="see docs/rank.md#currencies for its form")
    out = []
    for number, entry in enumerate(found):
        line = lines[number] if number < len(lines) else None
        place = f"{path}:{line}" if line else str(path)
        where = f"rate {number + 1}"
        missing = [key for key in ("from", "to", "rate", "date", "source")
                   if key not in entry or (isinstance(entry[key], str)
                                           and not entry[key].strip())]
        if missing:
            raise CatalogError(f"{where}: no {', '.join(repr(key) for key in missing)}",
                               file=str(path), line=line, fix='every rate cites its source, e.g. source = '
                                               '"PBoC central parity, 31 Dec 2020"')
        unknown = sorted(set(entry) - {"from", "to", "rate", "date", "source"})
        if unknown:
            raise CatalogError(f"{where}: unknown key {unknown[0]!r}", file=str(path), line=line,
                               fix="a rate has from, to, rate, date and source")
        texts = [key for key in ("from", "to", "source") if not isinstance(entry[key], str)]
        if texts or isinstance(entry["rate"], bool):
            raise CatalogError(f"{where}: {(texts or ['rate'])[0]!r} must be "
                               f"{'text' if texts else 'a number'}", file=str(path), line=line,
                               fix='e.g. from = "HKD", to = "CNY", rate = "0.8912"')
        try:
            source = _currency(str(entry["from"]), where)
            target = _currency(str(entry["to"]), where)
        except UsageError as exc:
            raise CatalogError(exc.message, file=str(path), line=line, fix=exc.fix) from None
        date = entry["date"]
        if isinstance(date, datetime.datetime) or not isinstance(date, (str, datetime.date)):
            raise CatalogError(f"{where}: date {date} is not a date as YYYY-MM-DD",
                               file=str(path), line=line, fix="e.g. date = 2020-12-31")
        out.append(_rate(source, target, str(entry["rate"]), date,
                         f"{str(entry['source']).strip()}, {place}", where, CatalogError,
                         str(path), line))
    return out


def rate_for(given: tuple[Rate, ...], source: str, target: str, year: int) -> Rate | None:
    """The rate from ``source`` to ``target`` for values of ``year``: of a date in that
    year, the latest (a year-end rate for a year's figures), else None."""
    found = [r for r in given if (r.source_currency, r.target_currency) == (source, target)
             and r.date.year == year]
    return max(found, key=lambda r: r.date) if found else None


def in_metric_currency(value: Value, metric_currency: str,
                       given: tuple[Rate, ...]) -> Value | Missing:
    """A value printed in another currency than its metric's, converted with the rate for
    its year and marked ``fx`` (the note says the rate, its date and its source), or
    Missing (Why.no_rate) naming the rate it needs."""
    assert value.observation is not None and value.observation.currency
    printed = value.observation.currency
    per = printed.startswith("/")  # an amount per HKD: divide by the rate
    currency = printed.lstrip("/")
    rate = rate_for(given, currency, metric_currency, value.year)
    if rate is None:
        return Missing(value.company, Why.no_rate, value.year,
                       currency=(currency, metric_currency))
    # a product keeps every digit; a quotient the digits of a double (precision.quotient)
    converted = quotient(value.value / rate.rate) if per else value.value * rate.rate
    return replace(value, value=converted, flags=value.flags + ("fx",),
                   fx=f"{'per ' if per else ''}{rate} ({rate.cited})")


def in_own_currency(value: Value) -> Value:
    """A value printed in another currency than its metric's, in its own: the metric's
    unit with the printed currency in its place (for ``show``, which lists what was
    printed)."""
    assert value.observation is not None and value.observation.currency
    currency = value.observation.currency.lstrip("/")
    unit = re.sub(r"\b(?:CNY|RMB|yuan|HKD|USD)\b", currency, value.unit)
    return replace(value, unit=unit)
