package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/websession/session"
	"github.com/websession/session/store/filestore"
	ourmem "github.com/websession/session/store/memstore"
	"github.com/websession/session/store/redisstore"
	"github.com/websession/session/store/sqlstore"
)

// The hot session: many concurrent writers on ONE session, as a single-page
// app firing parallel API calls that each touch the session. Writer i
// sends /?w=i&n=seq, and the handler stores seq under the writer's own key
// "w<i>"; in update mode (/?u=1) the handler increments the counter "n"
// with an atomic update instead (session.Update in ours; Get then Put in
// scs, which has no atomic update). /?check lists what the session holds,
// so a run can count lost updates.

// HotWriters is how many concurrent writers share the hot session.
const HotWriters = 32

// HotCases returns the cases of the hot-session comparison, each peer
// right after the case it is compared with.
func HotCases() []Case {
	return []Case{
		{"ours-memstore", hotOurs(func(context.Context, Env) (session.Store, func() error, error) {
			return ourmem.New(), nil, nil
		})},
		{"scs-memstore", hotSCSMemstore},
		{"ours-redis", hotOurs(hotRedisStore)},
		{"scs-goredisstore", hotSCSRedis},
		{"ours-postgres", hotOurs(hotSQLStore("pgx"))},
		{"ours-mysql", hotOurs(hotSQLStore("mysql"))},
		{"ours-sqlite", hotOurs(hotSQLStore("sqlite"))},
		{"ours-filestore", hotOurs(func(_ context.Context, env Env) (session.Store, func() error, error) {
			st, err := filestore.New(filepath.Join(env.Dir, "hot-sessions"))
			return st, nil, err
		})},
	}
}

// FindHotCase returns the hot case with the given name.
func FindHotCase(name string) (Case, error) {
	for _, c := range HotCases() {
		if c.Name == name {
			return c, nil
		}
	}
	return Case{}, errors.New("bench: no hot case named " + name + "; see bench.HotCases")
}

// hotRequest is what a hot request asks for.
type hotRequest struct {
	start, check, update bool
	key, seq             string
}

func parseHot(r *http.Request) hotRequest {
	q := r.URL.RawQuery
	switch {
	case q == "":
		return hotRequest{start: true}
	case q == "check":
		return hotRequest{check: true}
	case q == "u=1":
		return hotRequest{update: true}
	}
	w, n, _ := strings.Cut(q, "&")
	return hotRequest{key: "w" + strings.TrimPrefix(w, "w="), seq: strings.TrimPrefix(n, "n=")}
}

// hotCheck writes "n=<counter>;w0=<seq>;..." from the session's values.
func hotCheck(w http.ResponseWriter, keys []string, get func(string) string) {
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		if k == "n" || strings.HasPrefix(k, "w") {
			b.WriteString(k + "=" + get(k) + ";")
		}
	}
	io.WriteString(w, b.String())
}

func hotOurs(open func(context.Context, Env) (session.Store, func() error, error)) func(context.Context, Env) (*App, error) {
	return func(ctx context.Context, env Env) (*App, error) {
		st, closeStore, err := open(ctx, env)
		if err != nil {
			return nil, err
		}
		if closeStore == nil {
			closeStore = func() error { return nil }
		}
		m, err := session.New(oursConfig(st))
		if err != nil {
			closeStore()
			return nil, err
		}
		h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := session.From(r)
			switch q := parseHot(r); {
			case q.start:
				s.Set("n", 0)
				w.Write(bodyNew)
			case q.check:
				hotCheck(w, s.Keys(), func(k string) string {
					if k == "n" {
						n, _ := session.Get[int](s, k)
						return strconv.Itoa(n)
					}
					v, _ := session.Get[string](s, k)
					return v
				})
			case q.update:
				session.Update(s, "n", func(n int, _ bool) int { return n + 1 })
				w.Write(bodyOK)
			default:
				s.Set(q.key, q.seq)
				w.Write(bodyOK)
			}
		}))
		return &App{Handler: h, Close: closeStore}, nil
	}
}

func hotRedisStore(ctx context.Context, env Env) (session.Store, func() error, error) {
	client, err := redisClient(ctx, env.Redis)
	if err != nil {
		return nil, nil, err
	}
	prefix := uniqueName("bench-hot:") + ":"
	st, err := redisstore.New(client, redisstore.WithPrefix(prefix))
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return st, func() error {
		return errors.Join(deletePrefix(context.Background(), client, prefix), client.Close())
	}, nil
}

func hotSQLStore(driver string) func(context.Context, Env) (session.Store, func() error, error) {
	return func(ctx context.Context, env Env) (session.Store, func() error, error) {
		var db *sql.DB
		var err error
		switch driver {
		case "sqlite":
			dsn := "file:" + filepath.Join(env.Dir, "hot.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
			db, err = sql.Open("sqlite", dsn)
		case "mysql":
			db, err = openDB(ctx, driver, env.MySQL, "SESSION_TEST_MYSQL")
		default:
			db, err = openDB(ctx, driver, env.Postgres, "SESSION_TEST_POSTGRES")
		}
		if err != nil {
			return nil, nil, err
		}
		st, err := sqlstore.New(db, sqlstore.WithTable(uniqueName("hot_")))
		if err == nil {
			err = st.CreateTable(ctx)
		}
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		quoted := `"` + st.Table() + `"`
		if st.Dialect() == sqlstore.MySQL {
			quoted = "`" + st.Table() + "`"
		}
		return st, func() error {
			_, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+quoted)
			return errors.Join(err, db.Close())
		}, nil
	}
}

func hotSCSMemstore(context.Context, Env) (*App, error) {
	sm := newSCS(memstore.NewWithCleanupInterval(0))
	return &App{Handler: sm.LoadAndSave(hotSCSHandler(sm)), Close: func() error { return nil }}, nil
}

func hotSCSRedis(ctx context.Context, env Env) (*App, error) {
	client, err := redisClient(ctx, env.Redis)
	if err != nil {
		return nil, err
	}
	prefix := uniqueName("bench-hot-scs:") + ":"
	sm := newSCS(goredisstore.NewWithPrefix(client, prefix))
	return &App{Handler: sm.LoadAndSave(hotSCSHandler(sm)), Close: func() error {
		return errors.Join(deletePrefix(context.Background(), client, prefix), client.Close())
	}}, nil
}

// hotSCSHandler is the hot handler on scs: Put, and for an update Get then
// Put (scs has no atomic update).
func hotSCSHandler(sm interface {
	Put(context.Context, string, any)
	GetInt(context.Context, string) int
	GetString(context.Context, string) string
	Keys(context.Context) []string
}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		switch q := parseHot(r); {
		case q.start:
			sm.Put(ctx, "n", 0)
			w.Write(bodyNew)
		case q.check:
			hotCheck(w, sm.Keys(ctx), func(k string) string {
				if k == "n" {
					return strconv.Itoa(sm.GetInt(ctx, k))
				}
				return sm.GetString(ctx, k)
			})
		case q.update:
			sm.Put(ctx, "n", sm.GetInt(ctx, "n")+1)
			w.Write(bodyOK)
		default:
			sm.Put(ctx, q.key, q.seq)
			w.Write(bodyOK)
		}
	})
}

// HotStats is what a hot run measured, beside the load figures: updates
// lost (a writer's last value missing, or increments missing from the
// counter) and updates applied twice (the counter above the increments
// answered 200).
type HotStats struct {
	LoadStats
	Lost, Doubled int
}

// HotClient drives one hot session at a URL.
type HotClient struct {
	url    string
	hc     *http.Client
	tr     *http.Transport
	cookie string
	last   [HotWriters]int // each writer's last answered seq; -1 for none
	incs   int             // increments answered 200
}

// NewHotClient starts a session at url (a server on this machine's
// loopback). Close it when done.
func NewHotClient(ctx context.Context, url string) (*HotClient, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: HotWriters, DisableCompression: true}
	c := &HotClient{url: url, tr: tr, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
	for i := range c.last {
		c.last[i] = -1
	}
	body, cookie, err := c.get(ctx, "")
	if err != nil {
		tr.CloseIdleConnections()
		return nil, err
	}
	if body != string(bodyNew) || cookie == "" {
		tr.CloseIdleConnections()
		return nil, fmt.Errorf("bench: starting the hot session: body %q, cookie %q", body, cookie)
	}
	c.cookie = cookie
	return c, nil
}

// Close closes the client's idle connections.
func (c *HotClient) Close() { c.tr.CloseIdleConnections() }

func (c *HotClient) get(ctx context.Context, query string) (body, cookie string, err error) {
	u := c.url
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", "", err
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("bench: status %d: %.200s", resp.StatusCode, b)
	}
	for _, sc := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, CookieName+"=") {
			cookie, _, _ = strings.Cut(sc, ";")
		}
	}
	return string(b), cookie, nil
}

// Do sends one request of writer w (0 <= w < HotWriters), its seq-th: a
// write of its own key, or with update an increment of the shared counter.
func (c *HotClient) Do(ctx context.Context, w, seq int, update bool) error {
	q := "u=1"
	if !update {
		q = "w=" + strconv.Itoa(w) + "&n=" + strconv.Itoa(seq)
	}
	body, _, err := c.get(ctx, q)
	if err == nil && body != string(bodyOK) {
		err = fmt.Errorf("bench: unexpected body %.200q", body)
	}
	return err
}

// Run drives the session with HotWriters concurrent writers for about d
// (or until ctx ends), each sending requests one after the other over
// its own connection, and then counts lost and doubled updates.
func (c *HotClient) Run(ctx context.Context, d time.Duration, update bool) (*HotStats, error) {
	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return c.run(ctx, func() bool { return runCtx.Err() == nil }, update)
}

// RunN is Run for n requests in all, shared among the writers.
func (c *HotClient) RunN(ctx context.Context, n int, update bool) (*HotStats, error) {
	var left atomic.Int64
	left.Store(int64(n))
	return c.run(ctx, func() bool { return left.Add(-1) >= 0 && ctx.Err() == nil }, update)
}

func (c *HotClient) run(ctx context.Context, more func() bool, update bool) (*HotStats, error) {
	per := make([]LoadStats, HotWriters)
	incs := make([]int, HotWriters)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range HotWriters {
		wg.Go(func() {
			st := &per[w]
			for seq := c.last[w] + 1; more(); seq++ {
				t0 := time.Now()
				err := c.Do(context.WithoutCancel(ctx), w, seq, update)
				if err != nil {
					st.Errors++
					if st.FirstErr == nil {
						st.FirstErr = err
					}
					if st.Errors >= 100 {
						return
					}
					continue
				}
				st.Requests++
				st.latencies = append(st.latencies, time.Since(t0))
				if update {
					incs[w]++
				} else {
					c.last[w] = seq
				}
			}
		})
	}
	wg.Wait()
	out := &HotStats{}
	for w := range per {
		out.Add(&per[w])
		c.incs += incs[w]
	}
	out.Elapsed = time.Since(start)
	lost, doubled, err := c.Verify(ctx)
	out.Lost, out.Doubled = lost, doubled
	return out, err
}

// Verify reads the session back and counts the writers whose last
// answered value is missing, plus the increments missing from the counter
// (lost), and the increments counted more than once (doubled).
func (c *HotClient) Verify(ctx context.Context) (lost, doubled int, err error) {
	body, _, err := c.get(ctx, "check")
	if err != nil {
		return 0, 0, err
	}
	got := map[string]string{}
	for _, kv := range strings.Split(body, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			got[k] = v
		}
	}
	for w, seq := range c.last {
		if seq >= 0 && got["w"+strconv.Itoa(w)] != strconv.Itoa(seq) {
			lost++
		}
	}
	n, err := strconv.Atoi(got["n"])
	if err != nil {
		return lost, 0, fmt.Errorf("bench: the session's counter is %q: %w", got["n"], err)
	}
	if n < c.incs {
		lost += c.incs - n
	} else {
		doubled = n - c.incs
	}
	return lost, doubled, nil
}
