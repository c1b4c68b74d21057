package sqlstore

import (
	"strconv"
	"strings"
)

// iteratePage is how many records Iterate reads per query.
const iteratePage = 100

// queries holds every statement a Store runs, built once by New from the
// dialect and the validated table name. Values always travel as
// parameters; only the quoted table, column and index names are part of
// the text.
type queries struct {
	create  []string // CreateTable, in order
	load    string   // key, now → data, expires, version
	insert  string   // key, data, expires [, now] → 1 row when stored
	reclaim string   // MySQL only: key, now → deletes an expired row
	update  string   // data, expires, version+1, key, version, now
	touch   string   // expires, key, now
	live    string   // MySQL only: key, now → a row when a live record exists
	delete  string   // key
	sweep   string   // now
	iterate string   // now, after key → key, data, expires, version
}

func buildQueries(d Dialect, table string) queries {
	// Statements are written with {t} for the table, {k} for the key
	// column, {i} for the index and ? for each parameter.
	quote := func(s string) string { return `"` + s + `"` }
	if d == MySQL {
		quote = func(s string) string { return "`" + s + "`" }
	}
	names := strings.NewReplacer("{t}", quote(table), "{k}", quote("key"), "{i}", quote(table+"_expires_idx"))
	sql := func(s string) string {
		s = names.Replace(s)
		if d == Postgres {
			s = numberParams(s)
		}
		return s
	}

	q := queries{
		load:    sql("SELECT data, expires, version FROM {t} WHERE {k} = ? AND expires > ?"),
		update:  sql("UPDATE {t} SET data = ?, expires = ?, version = ? WHERE {k} = ? AND version = ? AND expires > ?"),
		touch:   sql("UPDATE {t} SET expires = ? WHERE {k} = ? AND expires > ?"),
		delete:  sql("DELETE FROM {t} WHERE {k} = ?"),
		sweep:   sql("DELETE FROM {t} WHERE expires <= ?"),
		iterate: sql("SELECT {k}, data, expires, version FROM {t} WHERE expires > ? AND {k} > ? ORDER BY {k} LIMIT " + strconv.Itoa(iteratePage)),
	}
	switch d {
	case MySQL:
		// MySQL's affected-rows count for ON DUPLICATE KEY UPDATE depends on
		// the CLIENT_FOUND_ROWS flag of the connection, so Save does not
		// use it. INSERT IGNORE reports 1 row for a new key and 0 for an
		// existing one under both settings; Save then removes an expired
		// row with reclaim and inserts again. An UPDATE that sets a column
		// to its current value counts 0 rows without CLIENT_FOUND_ROWS, so
		// Touch asks live when it counts none.
		q.insert = sql("INSERT IGNORE INTO {t} ({k}, data, expires, version) VALUES (?, ?, ?, 1)")
		q.reclaim = sql("DELETE FROM {t} WHERE {k} = ? AND expires <= ?")
		q.live = sql("SELECT 1 FROM {t} WHERE {k} = ? AND expires > ?")
		q.create = []string{sql("CREATE TABLE IF NOT EXISTS {t} (" +
			"{k} CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, " +
			"data LONGBLOB NOT NULL, expires BIGINT NOT NULL, version BIGINT NOT NULL, " +
			"INDEX {i} (expires)) ENGINE=InnoDB")}
	default:
		// One statement: insert, or replace a row only if it has expired.
		// The affected-rows count is 0 when a live row is kept.
		q.insert = sql("INSERT INTO {t} ({k}, data, expires, version) VALUES (?, ?, ?, 1) " +
			"ON CONFLICT ({k}) DO UPDATE SET data = excluded.data, expires = excluded.expires, version = 1 " +
			"WHERE {t}.expires <= ?")
		if d == Postgres {
			q.create = []string{
				sql("CREATE TABLE IF NOT EXISTS {t} ({k} TEXT PRIMARY KEY, data BYTEA NOT NULL, " +
					"expires BIGINT NOT NULL, version BIGINT NOT NULL)"),
				sql("CREATE INDEX IF NOT EXISTS {i} ON {t} (expires)"),
			}
		} else {
			q.create = []string{
				sql("CREATE TABLE IF NOT EXISTS {t} ({k} TEXT NOT NULL PRIMARY KEY, data BLOB NOT NULL, " +
					"expires INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID"),
				sql("CREATE INDEX IF NOT EXISTS {i} ON {t} (expires)"),
			}
		}
	}
	return q
}

// numberParams rewrites each ? as $1, $2, ... for PostgreSQL. The
// statements hold no other question mark: names are validated identifiers.
func numberParams(s string) string {
	var b strings.Builder
	n := 0
	for _, part := range strings.Split(s, "?") {
		if n > 0 {
			b.WriteString("$" + strconv.Itoa(n))
		}
		b.WriteString(part)
		n++
	}
	return b.String()
}
