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
	create     []string // CreateTable, in order
	hasUser    string   // table name → count of user_id columns (0 or 1)
	addUser    string   // adds the user_id column to a table made before it existed
	hasUserIdx string   // MySQL only: table name, index name → count of such indexes
	userIdx    string   // creates the index on user_id (if missing, but on MySQL)
	load       string   // key, now → data, expires, version, user
	insert     string   // key, data, expires, user [, now] → 1 row when stored
	reclaim    string   // MySQL only: key, now → deletes an expired row
	update     string   // data, expires, version+1, user, key, version, now
	touch      string   // expires, key, now
	live       string   // MySQL only: key, now → a row when a live record exists
	delete     string   // key
	sweep      string   // now
	iterate    string   // now, after key → key, data, expires, version, user
	byUser     string   // user, now → key, data, expires, version
	deleteUser string   // user, now, keep
	lockRow    string   // key → takes the row's write lock (Apply), or ""
	loadLocked string   // key, now → data, expires, version, user, the row locked
	apply      string   // data, expires, version, key
}

func buildQueries(d Dialect, table string) queries {
	// Statements are written with {t} for the table, {k} for the key
	// column, {i} for the index on expires, {u} for the index on user_id
	// and ? for each parameter.
	quote := func(s string) string { return `"` + s + `"` }
	if d == MySQL {
		quote = func(s string) string { return "`" + s + "`" }
	}
	names := strings.NewReplacer("{t}", quote(table), "{k}", quote("key"),
		"{i}", quote(table+"_expires_idx"), "{u}", quote(userIndexName(table)))
	sql := func(s string) string {
		s = names.Replace(s)
		if d == Postgres {
			s = numberParams(s)
		}
		return s
	}

	q := queries{
		load:       sql("SELECT data, expires, version, user_id FROM {t} WHERE {k} = ? AND expires > ?"),
		update:     sql("UPDATE {t} SET data = ?, expires = ?, version = ?, user_id = ? WHERE {k} = ? AND version = ? AND expires > ?"),
		touch:      sql("UPDATE {t} SET expires = ? WHERE {k} = ? AND expires > ?"),
		delete:     sql("DELETE FROM {t} WHERE {k} = ?"),
		sweep:      sql("DELETE FROM {t} WHERE expires <= ?"),
		iterate:    sql("SELECT {k}, data, expires, version, user_id FROM {t} WHERE expires > ? AND {k} > ? ORDER BY {k} LIMIT " + strconv.Itoa(iteratePage)),
		byUser:     sql("SELECT {k}, data, expires, version FROM {t} WHERE user_id = ? AND expires > ?"),
		deleteUser: sql("DELETE FROM {t} WHERE user_id = ? AND expires > ? AND {k} <> ?"),
		userIdx:    sql("CREATE INDEX IF NOT EXISTS {u} ON {t} (user_id)"),
	}
	q.apply = sql("UPDATE {t} SET data = ?, expires = ?, version = ? WHERE {k} = ?")
	q.loadLocked = q.load + " FOR UPDATE"
	if d == SQLite {
		// SQLite has no FOR UPDATE: a write first takes the database's
		// write lock, so the read that follows cannot go stale.
		q.lockRow = sql("UPDATE {t} SET version = version WHERE {k} = ?")
		q.loadLocked = q.load
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
		// The hint keeps MariaDB's optimizer from reaching a row through
		// the index on expires, which it picks at times on a small table:
		// two updates of one row then lock ranges of that index in
		// opposite orders and one dies in a deadlock. By primary key, an
		// update locks the one row and waits for the other.
		byKey := sql("{t} FORCE INDEX (PRIMARY)")
		q.load = sql("SELECT data, expires, version, user_id FROM " + byKey + " WHERE {k} = ? AND expires > ?")
		q.loadLocked = q.load + " FOR UPDATE"
		q.apply = sql("UPDATE " + byKey + " SET data = ?, expires = ?, version = ? WHERE {k} = ?")
		q.update = sql("UPDATE " + byKey + " SET data = ?, expires = ?, version = ?, user_id = ? WHERE {k} = ? AND version = ? AND expires > ?")
		q.touch = sql("UPDATE " + byKey + " SET expires = ? WHERE {k} = ? AND expires > ?")
		q.live = sql("SELECT 1 FROM " + byKey + " WHERE {k} = ? AND expires > ?")
		q.insert = sql("INSERT IGNORE INTO {t} ({k}, data, expires, version, user_id) VALUES (?, ?, ?, 1, ?)")
		q.reclaim = sql("DELETE FROM {t} WHERE {k} = ? AND expires <= ?")
		q.create = []string{sql("CREATE TABLE IF NOT EXISTS {t} (" +
			"{k} CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, " +
			"data LONGBLOB NOT NULL, expires BIGINT NOT NULL, version BIGINT NOT NULL, " +
			"user_id " + mysqlUserType + " NULL, " +
			"INDEX {i} (expires), INDEX {u} (user_id)) ENGINE=InnoDB")}
		// MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has): CreateTable
		// asks hasUserIdx first.
		q.hasUser = "SELECT count(*) FROM information_schema.columns " +
			"WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'user_id'"
		q.hasUserIdx = "SELECT count(*) FROM information_schema.statistics " +
			"WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?"
		q.addUser = sql("ALTER TABLE {t} ADD COLUMN user_id " + mysqlUserType + " NULL")
		q.userIdx = sql("ALTER TABLE {t} ADD INDEX {u} (user_id)")
	default:
		// One statement: insert, or replace a row only if it has expired.
		// The affected-rows count is 0 when a live row is kept.
		q.insert = sql("INSERT INTO {t} ({k}, data, expires, version, user_id) VALUES (?, ?, ?, 1, ?) " +
			"ON CONFLICT ({k}) DO UPDATE SET data = excluded.data, expires = excluded.expires, version = 1, " +
			"user_id = excluded.user_id WHERE {t}.expires <= ?")
		q.addUser = sql("ALTER TABLE {t} ADD COLUMN user_id TEXT")
		if d == Postgres {
			q.create = []string{
				sql("CREATE TABLE IF NOT EXISTS {t} ({k} TEXT PRIMARY KEY, data BYTEA NOT NULL, " +
					"expires BIGINT NOT NULL, version BIGINT NOT NULL, user_id TEXT)"),
				sql("CREATE INDEX IF NOT EXISTS {i} ON {t} (expires)"),
			}
			// to_regclass finds the table through search_path, as every
			// other statement does.
			q.hasUser = "SELECT count(*) FROM pg_attribute " +
				"WHERE attrelid = to_regclass($1) AND attname = 'user_id' AND NOT attisdropped"
		} else {
			q.create = []string{
				sql("CREATE TABLE IF NOT EXISTS {t} ({k} TEXT NOT NULL PRIMARY KEY, data BLOB NOT NULL, " +
					"expires INTEGER NOT NULL, version INTEGER NOT NULL, user_id TEXT) WITHOUT ROWID"),
				sql("CREATE INDEX IF NOT EXISTS {i} ON {t} (expires)"),
			}
			q.hasUser = "SELECT count(*) FROM pragma_table_info(?) WHERE name = 'user_id'"
		}
	}
	return q
}

// mysqlUserType is the type of the user_id column on MySQL: bytes compared
// exactly, as in the other dialects (a text collation would fold case and
// ignore trailing spaces), and short enough to index.
var mysqlUserType = "VARBINARY(" + strconv.Itoa(userColumnLen) + ")"

// userIndexName is the name of the index on the user_id column.
func userIndexName(table string) string { return table + "_user_idx" }

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
