// Tollgate — TSDB: the SQLite schema and its migrations.

import GRDB

/// Ordered, named migrations of `tollgate.db`.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per series; the label bytes are the unique key.
            try db.execute(sql: "CREATE TABLE series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL UNIQUE)")
            // Sealed samples: encoding 1 = XOR chunk, 2 = block (values; timestamps in a shared set).
            // (Later: 3 = XOR chunk of out-of-order samples, whose range may overlap other rows'.)
            // (Later: 4 = a chunk sealed in block form, see SealedChunkWriter.)
            // A rowid table packs the payloads densely; the unique index finds a series' chunks.
            try db.execute(sql: """
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, min_time INTEGER NOT NULL,
                    max_time INTEGER NOT NULL, count INTEGER NOT NULL, encoding INTEGER NOT NULL,
                    timestamps_id INTEGER, data BLOB NOT NULL)
                """)
            try db.execute(sql: "CREATE UNIQUE INDEX chunks_series ON chunks (series_id, min_time)")
            // Timestamp columns shared by the blocks of series scraped together.
            try db.execute(sql: "CREATE TABLE timestamp_sets (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL)")
            try db.execute(sql: "CREATE INDEX timestamp_sets_hash ON timestamp_sets (hash)")
            // The head log: committed batches since the last checkpoint.
            try db.execute(sql: "CREATE TABLE head_log (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            // Open head chunks as of the last checkpoint.
            try db.execute(sql: "CREATE TABLE head_chunks (series_id INTEGER PRIMARY KEY, count INTEGER NOT NULL, data BLOB NOT NULL)")
        }
        migrator.registerMigration("v2: head chunk encoder state") { db in
            // The encoder state saved with each checkpointed chunk lets recovery continue
            // the chunk without decoding it (rows without it are decoded, as before).
            try db.execute(sql: "ALTER TABLE head_chunks ADD COLUMN state BLOB")
        }
        migrator.registerMigration("v3: log readers") { db in
            // Where each reader of the head log (a remote-write queue) has read up to, and
            // the last log record a checkpoint covers: records after it are replayed at
            // start; records up to it are kept only while a reader still needs them.
            try db.execute(sql: "CREATE TABLE log_readers (name TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
            try db.execute(sql: "CREATE TABLE log_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        }
        migrator.registerMigration("v4: series without a unique index on their labels") { db in
            // The head finds series by their labels in memory; the unique index only wrote
            // every label set a second time (a third of a new series' bytes on disk).
            try db.execute(sql: "CREATE TABLE series_v4 (id INTEGER PRIMARY KEY, labels BLOB NOT NULL)")
            try db.execute(sql: "INSERT INTO series_v4 (id, labels) SELECT id, labels FROM series")
            try db.execute(sql: "DROP TABLE series")
            try db.execute(sql: "ALTER TABLE series_v4 RENAME TO series")
        }
        migrator.registerMigration("v5: cold series") { db in
            // Series that went idle leave the head (TSDB+Eviction): their newest time, and
            // their postings, so that selections still find them without holding them in memory.
            try db.execute(sql: "CREATE TABLE cold_series (id INTEGER PRIMARY KEY, max_time INTEGER NOT NULL)")
            try db.execute(
                sql: "CREATE TABLE cold_postings (name TEXT NOT NULL, value TEXT NOT NULL, series_id INTEGER NOT NULL, PRIMARY KEY (name, value, series_id)) WITHOUT ROWID"
            )
        }
        migrator.registerMigration("v6: the chunk index leads with a window") { db in
            // A round of seals rewrote every page of an index led by the series; led by the
            // window, it writes the current window's part only (ChunkWindows). The window is
            // a function of min_time, so the index stays unique on (series_id, min_time).
            // (Fifteen-minute windows here; v7 narrows them and fills chunk_windows.)
            try db.execute(sql: "CREATE UNIQUE INDEX chunks_window ON chunks (min_time / 900000, series_id, min_time)")
            try db.execute(sql: "DROP INDEX chunks_series")
            // The windows that hold rows, and the latest end of their rows: what a read probes.
            try db.execute(sql: "CREATE TABLE chunk_windows (id INTEGER PRIMARY KEY, max_time INTEGER NOT NULL)")
        }
        migrator.registerMigration("v7: five-minute windows") { db in
            // At 2 s scrapes a 15-minute window took up to four rounds of seals, each
            // rewriting the window's entries of the rounds before; five minutes take one or two.
            try db.execute(sql: "DROP INDEX chunks_window")
            try db.execute(sql: "CREATE UNIQUE INDEX chunks_window ON chunks (\(ChunkWindows.sql), series_id, min_time)")
            try ChunkWindows.rebuild(db)
        }
        return migrator
    }
}
