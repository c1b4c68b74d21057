package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

// Where the services are unless the environment says otherwise; the same
// variables and defaults as the root module's tests.
const (
	DefaultRedis    = "127.0.0.1:6379"
	DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	DefaultMySQL    = "root@tcp(127.0.0.1:3306)/test"
)

// ErrUnavailable is wrapped by the error of a case whose service cannot be
// reached. Benchmarks skip such a case.
var ErrUnavailable = errors.New("bench: service unavailable")

// Env says where a case keeps its data. Dir must exist and be private
// (mode 0700): file stores and SQLite put their files there.
type Env struct {
	Dir      string // a private temporary directory
	Redis    string // host:port; default DefaultRedis
	Postgres string // a pgx DSN; default DefaultPostgres
	MySQL    string // a go-sql-driver/mysql DSN; default DefaultMySQL
}

// DefaultEnv returns an Env for dir with the service addresses taken from
// SESSION_TEST_REDIS, SESSION_TEST_POSTGRES and SESSION_TEST_MYSQL, or the
// defaults when they are unset.
func DefaultEnv(dir string) Env {
	return Env{
		Dir:      dir,
		Redis:    getenv("SESSION_TEST_REDIS", DefaultRedis),
		Postgres: getenv("SESSION_TEST_POSTGRES", DefaultPostgres),
		MySQL:    getenv("SESSION_TEST_MYSQL", DefaultMySQL),
	}
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// uniqueName returns prefix followed by random hex, so parallel runs never
// share a Redis key prefix or an SQL table.
func uniqueName(prefix string) string {
	var b [6]byte
	rand.Read(b[:]) // never fails; it crashes the program if randomness does
	return prefix + hex.EncodeToString(b[:])
}

// redisClient connects to the Redis node at addr, or returns an error
// wrapping ErrUnavailable.
func redisClient(ctx context.Context, addr string) (*redis.Client, error) {
	client := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("%w: redis at %s (set SESSION_TEST_REDIS): %v", ErrUnavailable, addr, err)
	}
	return client, nil
}

// deletePrefix removes every key under prefix, for a case's cleanup.
func deletePrefix(ctx context.Context, client *redis.Client, prefix string) error {
	iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		if err := client.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// openDB opens and pings an SQL server; the DSN stays out of the error, as
// it may hold a password.
func openDB(ctx context.Context, driver, dsn, envName string) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: sql.Open(%q): %w", driver, err)
	}
	// As the sqlstore docs advise: idle connections for the concurrency
	// served (the load tests run up to 32 clients), so requests do not
	// open connections.
	db.SetMaxIdleConns(64)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s server (set %s to its DSN): %v", ErrUnavailable, driver, envName, err)
	}
	return db, nil
}
