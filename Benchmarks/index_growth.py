#!/usr/bin/env python3
"""What a round of sealed chunks writes to SQLite's WAL as the store grows: with the chunk
index led by the series (schema v5 and before) and led by a time window (v6: 15 minutes,
v7: 5 minutes, the store's).

Builds the `chunks` table as Tollgate's schema does (Sources/TSDB/Schema.swift), then seals
one 60-byte chunk (about what 120 samples of the benchmark's targets take in block form)
for every series, round after round, in transactions of 2,000 series (one target's
scrape), and prints the WAL bytes each round wrote per chunk.

- `series`: the index `(series_id, min_time)`. Each round adds one entry per series after
  that series' earlier entries, so it rewrites every index page that holds the end of one:
  once a series has about 200 entries (a page of them) every chunk costs a page of its own.
- `window 15m` (v6): the index `(min_time / 900000, series_id, min_time)` and the table of
  windows with their rows' latest end (`chunk_windows`, one row a window, raised by each
  transaction). A round's entries go to the current window's part of the index, which
  holds the entries of up to three rounds before it (four rounds of 2 s scrapes a window).
- `window 5m` (v7, the store's): the same with `min_time / 300000`: a window takes one or
  two rounds, so a round rewrites at most one round's entries besides its own.
- `window 2h`: the same with two-hour windows, to show why the window is short: a window
  holds thirty rounds of 2 s scrapes, and its part of the index grows as the series-led one
  did, until the next window starts.

The last lines read every chunk of 200 series back, one statement per series with the
series-led index and one per window and series with the others (the windows whose rows end
in the range), and print each layout's time as a ratio to the series-led one.

Usage: index_growth.py [ROUNDS] [SERIES]   (defaults: 250 rounds of 2,000 series)
A round is four minutes of 2 s scrapes; 30 rounds are one two-hour block range.
The WAL holds each page once; SQLite copies it into the database at its next checkpoint,
so the bytes written are about twice the figures printed.
"""
import os
import sqlite3
import sys
import tempfile
import time

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 250
SERIES = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
REPORT = {1, 2, 4, 8, 15, 30, 60, 120, 180, 250}
START = 1_700_000_000_000
SPAN = 238_000  # a chunk of 120 samples at 2 s
# Name, window in milliseconds (None: the index led by the series).
LAYOUTS = [("series", None), ("window 15m", 900_000), ("window 5m", 300_000), ("window 2h", 7_200_000)]
READ_SERIES = 200


def build(path, window):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("""CREATE TABLE chunks (
        id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, min_time INTEGER NOT NULL,
        max_time INTEGER NOT NULL, count INTEGER NOT NULL, encoding INTEGER NOT NULL,
        timestamps_id INTEGER, data BLOB NOT NULL)""")
    if window is None:
        db.execute("CREATE UNIQUE INDEX chunks_series ON chunks (series_id, min_time)")
    else:
        db.execute(f"CREATE UNIQUE INDEX chunks_window ON chunks (min_time / {window}, series_id, min_time)")
        db.execute("CREATE TABLE chunk_windows (id INTEGER PRIMARY KEY, max_time INTEGER NOT NULL)")
    return db


def seal_rounds(db, path, window):
    """WAL bytes per sealed chunk, by round in REPORT."""
    data = os.urandom(60)
    wal = {}
    for round_ in range(1, ROUNDS + 1):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t = START + round_ * 240_000
        for first in range(0, SERIES, 2000):
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) "
                "VALUES (?, ?, ?, 120, 4, 1, ?)",
                ((s, t, t + SPAN, data) for s in range(first, min(first + 2000, SERIES))))
            if window is not None:
                db.execute(
                    "INSERT INTO chunk_windows (id, max_time) VALUES (?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET max_time = MAX(max_time, excluded.max_time)",
                    (t // window, t + SPAN))
            db.execute("COMMIT")
        if round_ in REPORT or round_ == ROUNDS:
            wal[round_] = os.path.getsize(path + "-wal") / SERIES
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return wal


def read_back(db, window):
    """Seconds to read every chunk of READ_SERIES series over the whole range."""
    lo, hi = START, START + (ROUNDS + 1) * 240_000 + SPAN
    started = time.perf_counter()
    rows = 0
    windows = [] if window is None else [w for (w,) in db.execute(
        "SELECT id FROM chunk_windows WHERE id <= ? AND max_time >= ? ORDER BY id", (hi // window, lo))]
    for s in range(0, SERIES, max(1, SERIES // READ_SERIES)):
        if window is None:
            rows += len(db.execute(
                "SELECT data FROM chunks WHERE series_id = ? AND max_time >= ? AND min_time <= ?", (s, lo, hi)).fetchall())
            continue
        for w in windows:
            rows += len(db.execute(
                f"SELECT data FROM chunks WHERE min_time / {window} = ? AND series_id = ? AND max_time >= ? AND min_time <= ?",
                (w, s, lo, hi)).fetchall())
    return time.perf_counter() - started, rows


results = []
with tempfile.TemporaryDirectory() as scratch:
    for name, window in LAYOUTS:
        path = os.path.join(scratch, name.replace(" ", "-") + ".db")
        db = build(path, window)
        wal = seal_rounds(db, path, window)
        seconds, rows = read_back(db, window)
        db.close()
        results.append((name, wal, seconds, rows))

print(f"WAL bytes per sealed chunk (data: 60), {SERIES} series, a round every 4 minutes")
print("round  " + "  ".join(f"{name:>10}" for name, _, _, _ in results))
for round_ in sorted(results[0][1]):
    print(f"{round_:5d}  " + "  ".join(f"{wal[round_]:10.0f}" for _, wal, _, _ in results))
base = results[0][2]
print(f"reading {READ_SERIES} series over {ROUNDS} rounds, time against the series-led index:")
for name, _, seconds, rows in results:
    print(f"  {name:>10}: {seconds / base:5.2f}  ({rows} chunks)")
