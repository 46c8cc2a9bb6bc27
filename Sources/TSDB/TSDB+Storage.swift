// Tollgate — TSDB: the store behind the storage contracts.

public import Storage

extension TSDB: Appendable, Queryable, StorageStatusSource {}
