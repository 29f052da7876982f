"""parse_date against dateparser on the same list of strings, in one run.

    python -m benchmarks.bench_dates [--rounds N]

Prints strings/s of CPU time for both (median of N interleaved rounds after a warm-up), their ratio, each one's
accuracy on ``benchmarks.date_samples.SAMPLES``, and every row dateparser gets right and parse_date
gets wrong (there should be none). Writes the figures to ``benchmarks/results/dates.json``.

A row is right when the value is the expected instant (aware datetimes compared in UTC), or None
where None is expected. dateparser runs with its best settings for this site: Arabic and English, Cairo
time, day-first, relative dates from the same ``now``, past preferred.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dateparser

from benchmarks.date_samples import NOW, SAMPLES
from newscrawl.dates import parse_date

RESULTS = Path(__file__).parent / "results" / "dates.json"
TZ = "Africa/Cairo"
DATEPARSER_SETTINGS = {
    "TIMEZONE": TZ,
    "RETURN_AS_TIMEZONE_AWARE": True,
    "DATE_ORDER": "DMY",
    "RELATIVE_BASE": NOW.replace(tzinfo=None),  # naive, local to TIMEZONE
    "PREFER_DATES_FROM": "past",
}
LANGUAGES = ["ar", "en"]
#: parse_date goes through the list this many times per round, so a round lasts long enough to time.
OURS_REPEAT = 20


def run_ours(texts):
    return [parse_date(t, now=NOW, tz=TZ) for t in texts]


def run_dateparser(texts):
    out = []
    for t in texts:
        try:
            out.append(dateparser.parse(t, languages=LANGUAGES, settings=DATEPARSER_SETTINGS))
        except Exception:  # dateparser raising counts as a miss
            out.append(None)
    return out


def right(value, expected) -> bool:
    if expected is None:
        return value is None
    if value is None or value.tzinfo is None:
        return False
    # Compared in UTC: PEP 495 makes == across zones False for any time in a DST fold.
    return value.astimezone(UTC) == datetime.fromisoformat(expected).astimezone(UTC)


def rate(fn, texts, repeat: int) -> float:
    """Strings per second of CPU time (process time, so other load on the machine counts for little)."""
    start = time.process_time()
    for _ in range(repeat):
        fn(texts)
    return repeat * len(texts) / (time.process_time() - start)


def timed(texts, rounds: int) -> tuple[float, float]:
    """Median rates of both parsers, their rounds interleaved so a change of load hits both."""
    run_ours(texts)  # warm-up: imports, dateparser's language data, caches
    run_dateparser(texts)
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(rate(run_ours, texts, OURS_REPEAT))
        theirs.append(rate(run_dateparser, texts, 1))
    return statistics.median(ours), statistics.median(theirs)


def main(argv=None) -> int:
    args_parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args_parser.add_argument("--rounds", type=int, default=5)
    args = args_parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the Hijri mismatch warnings are not the point here

    texts = [raw for raw, _ in SAMPLES]
    ours_rate, theirs_rate = timed(texts, args.rounds)
    ours = run_ours(texts)
    theirs = run_dateparser(texts)

    ours_right = [right(v, e) for v, (_, e) in zip(ours, SAMPLES, strict=True)]
    theirs_right = [right(v, e) for v, (_, e) in zip(theirs, SAMPLES, strict=True)]
    regressions = [
        {"raw": raw, "expected": exp, "parse_date": v.isoformat() if v else None}
        for (raw, exp), v, a, b in zip(SAMPLES, ours, ours_right, theirs_right, strict=True)
        if b and not a
    ]
    ours_wrong = [
        {"raw": raw, "expected": exp, "parse_date": v.isoformat() if v else None}
        for (raw, exp), v, a in zip(SAMPLES, ours, ours_right, strict=True)
        if not a
    ]
    result = {
        "strings": len(texts),
        "rounds": args.rounds,
        "parse_date_strings_per_s": round(ours_rate),
        "dateparser_strings_per_s": round(theirs_rate),
        "ratio": round(ours_rate / theirs_rate, 1),
        "parse_date_accuracy": round(sum(ours_right) / len(texts), 4),
        "dateparser_accuracy": round(sum(theirs_right) / len(texts), 4),
        "dateparser_right_parse_date_wrong": regressions,
        "parse_date_wrong": ours_wrong,
        "dateparser_version": dateparser.__version__ if hasattr(dateparser, "__version__") else None,
        "python": sys.version.split()[0],
    }

    print(f"{len(texts)} strings, median of {args.rounds} rounds, CPU time")
    for name in ("parse_date", "dateparser"):
        rate, accuracy = result[f"{name}_strings_per_s"], result[f"{name}_accuracy"]
        print(f"{name:<11} {rate:>10,} strings/s  accuracy {accuracy:.1%}")
    print(f"ratio       {result['ratio']:>10}x")
    print(f"rows dateparser gets right and parse_date gets wrong: {len(regressions)}")
    for row in regressions:
        print(f"  {row['raw']!r}: expected {row['expected']}, parse_date {row['parse_date']}")
    for row in ours_wrong:
        if row not in regressions:
            print(f"  parse_date wrong (dateparser too): {row['raw']!r}: {row['parse_date']} != {row['expected']}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
