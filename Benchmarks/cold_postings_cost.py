#!/usr/bin/env python3
"""cold_postings_cost.py — WAL bytes written to move series out of the head, by transaction size.

When series go idle, Tollgate writes each one's label pairs into `cold_postings`
(Sources/TSDB/Schema.swift: a WITHOUT ROWID table keyed by name, value and series id).
Inserts land all over that B-tree, so what a round of evictions writes depends on how many
transactions it takes: each transaction writes every page it touched to SQLite's WAL once
(and the checkpoint writes it again into the database).

This builds the table with Python's sqlite3 in WAL mode (automatic checkpoints off, so the
WAL's size is what was written), moves 20,000 series a round, as the churn run's steps do
(100 targets of 2,000 series, 10 % of the targets renewed a step; six labels a series, as
fake_targets exposes them), and prints the WAL bytes of each round for one transaction per
round and for transactions of 4,000 series.

    python3 Benchmarks/cold_postings_cost.py [ROUNDS]
"""
import os
import sqlite3
import sys
import tempfile

SERIES_PER_ROUND = 20_000


def labels(i, round_):
    target = i // 2000
    return [("__name__", "fake_metric_%d" % (i % 50)), ("instance", "127.0.0.1:%d" % (29500 + target)), ("job", "fake"),
            ("generation", str(round_)), ("series", str(i % 2000)), ("le", str(i % 7))]


def run(rounds, per_transaction):
    directory = tempfile.mkdtemp(prefix="cold-postings.")
    path = os.path.join(directory, "t.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("CREATE TABLE cold_postings (name TEXT NOT NULL, value TEXT NOT NULL, series_id INTEGER NOT NULL, "
               "PRIMARY KEY (name, value, series_id)) WITHOUT ROWID")
    written = []
    for round_ in range(rounds):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for start in range(0, SERIES_PER_ROUND, per_transaction):
            db.execute("BEGIN")
            for k in range(start, min(start + per_transaction, SERIES_PER_ROUND)):
                i = round_ * SERIES_PER_ROUND + k
                for name, value in labels(i, round_):
                    db.execute("INSERT OR IGNORE INTO cold_postings VALUES (?, ?, ?)", (name, value, i + 1))
            db.execute("COMMIT")
        written.append(os.path.getsize(path + "-wal"))
    db.close()
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    os.rmdir(directory)
    return written


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    one = run(rounds, SERIES_PER_ROUND)
    many = run(rounds, 4_000)
    print("round  postings stored  WAL MiB, one transaction  WAL MiB, transactions of 4,000")
    for r in range(rounds):
        print("%5d  %15d  %24.1f  %30.1f" % (r + 1, (r + 1) * SERIES_PER_ROUND * 6, one[r] / 1048576, many[r] / 1048576))


if __name__ == "__main__":
    main()
