"""The result table of a sweep: SQLite, one row per point, written as points finish.

Table `points`: key (primary key: the hash of the point's parameters), config, trace, params (JSON),
one column per -p key, one column per stat, seconds (host time of the point), host; stats beyond
SQLite's column limit go, as one JSON object, into the column more_stats. Table `units`:
name, unit, description of every stat column. A row is inserted in its own transaction, once
(INSERT OR IGNORE on the key): a killed sweep keeps every finished point, and a rerun finds which
points are done by their keys. Only the process driving the sweep writes.
"""

import json
import sqlite3

# SQLite's default limit is 2000 columns per table; the rest of a row's stats share one JSON column.
MAX_COLUMNS = 1900


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _cell(value):
    return value if value is None or isinstance(value, (int, float, str)) else json.dumps(value)


class Store:
    def __init__(self, path):
        self.path = path
        # Transactions are explicit (BEGIN ... COMMIT): a new row and the columns it adds are one.
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._transaction(lambda: (
            self.db.execute("CREATE TABLE IF NOT EXISTS points (key TEXT PRIMARY KEY, config TEXT, trace TEXT, "
                            "params TEXT, seconds REAL, host TEXT)"),
            self.db.execute("CREATE TABLE IF NOT EXISTS units (name TEXT PRIMARY KEY, unit TEXT, description TEXT)")))

    def _transaction(self, work):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            work()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self.columns = {row[1] for row in self.db.execute("PRAGMA table_info(points)")}

    def done_keys(self):
        return {row[0] for row in self.db.execute("SELECT key FROM points")}

    def _ensure_columns(self, names):
        for name in names:
            if name not in self.columns:
                self.db.execute("ALTER TABLE points ADD COLUMN {}".format(_quote(name)))
                self.columns.add(name)

    def add(self, point, row):
        """Inserts the finished `point` with the worker's `row` (stats, units, seconds, host), once."""
        values = {"key": point["key"], "config": point["config"], "trace": point["trace"],
                  "params": json.dumps(point["params"], sort_keys=True), "seconds": row["seconds"], "host": row["host"]}
        for name, value in point["params"].items():
            values[name] = value
        for name, value in row["stats"].items():
            values[name if name not in values else "stat:" + name] = _cell(value)

        def insert():
            names = [n for n in values if n in self.columns]
            for name in values:
                if name not in self.columns and len(self.columns) < MAX_COLUMNS:
                    self._ensure_columns([name])
                    names.append(name)
            more = {n: v for n, v in values.items() if n not in self.columns}
            if more:
                self._ensure_columns(["more_stats"])
                values["more_stats"] = json.dumps(more)
                names.append("more_stats")
            self.db.execute("INSERT OR IGNORE INTO points ({}) VALUES ({})".format(
                ", ".join(_quote(n) for n in names), ", ".join("?" * len(names))), [values[n] for n in names])
            self.db.executemany("INSERT OR IGNORE INTO units VALUES (?, ?, ?)",
                                [(n, row["units"][n], row["descriptions"][n]) for n in row["stats"]])
        self._transaction(insert)  # the row and its new columns, or nothing

    def close(self):
        self.db.close()


def load(path):
    """The `points` table of a sweep as a pandas DataFrame; df.attrs["units"] maps columns to units."""
    import pandas
    db = sqlite3.connect(path)
    try:
        frame = pandas.read_sql_query("SELECT * FROM points ORDER BY key", db)
        frame.attrs["units"] = dict(db.execute("SELECT name, unit FROM units").fetchall())
    finally:
        db.close()
    return frame
