#!/usr/bin/env python3
"""What a round of sealed chunks writes to SQLite's WAL as the chunk index grows.

Builds the `chunks` table and its `(series_id, min_time)` index as Tollgate's schema does
(Sources/TSDB/Schema.swift), then seals one 60-byte chunk (about what 120 samples of the
benchmark's targets take in block form) for every series, round after round, in
transactions of 2,000 series (one target's scrape), and prints the WAL bytes each round
wrote per chunk. Each round adds one index entry per series at the end of that series'
entries, so it rewrites every index page that holds the end of one: once a series has
about 200 entries (a page of them) every chunk costs a page of its own.

Usage: index_growth.py [ROUNDS] [SERIES]   (defaults: 250 rounds of 2,000 series)
A round is four minutes of 2 s scrapes; 30 rounds are one two-hour block range.
"""
import os
import sqlite3
import sys
import tempfile

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 250
SERIES = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
REPORT = {1, 2, 4, 8, 15, 30, 60, 120, 180, 250}
START = 1_700_000_000_000

with tempfile.TemporaryDirectory() as scratch:
    path = os.path.join(scratch, "index.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("""CREATE TABLE chunks (
        id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, min_time INTEGER NOT NULL,
        max_time INTEGER NOT NULL, count INTEGER NOT NULL, encoding INTEGER NOT NULL,
        timestamps_id INTEGER, data BLOB NOT NULL)""")
    db.execute("CREATE UNIQUE INDEX chunks_series ON chunks (series_id, min_time)")
    data = os.urandom(60)
    print("round  chunks per series  WAL bytes per sealed chunk (data: 60)")
    for round_ in range(1, ROUNDS + 1):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t = START + round_ * 240_000
        for first in range(0, SERIES, 2000):
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) "
                "VALUES (?, ?, ?, 120, 4, 1, ?)",
                ((s, t, t + 238_000, data) for s in range(first, min(first + 2000, SERIES))))
            db.execute("COMMIT")
        if round_ in REPORT or round_ == ROUNDS:
            wal = os.path.getsize(path + "-wal")
            print(f"{round_:5d}  {round_:17d}  {wal / SERIES:8.0f}")
