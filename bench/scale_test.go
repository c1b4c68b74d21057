package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/websession/session/store/memstore"
)

// BenchmarkScale measures one request cycle per session size, request
// kind and library: BenchmarkScale/<shape>/<read|write>/<case>. A read
// request gets user_id; a write request also sets it to another value, so
// it changes one key. cookie-B is the cookie the browser sends back.
func BenchmarkScale(b *testing.B) {
	for _, sh := range Shapes() {
		for _, kind := range []string{"read", "write"} {
			for _, c := range ScaleCases() {
				b.Run(sh.Name+"/"+kind+"/"+c.Name, func(b *testing.B) {
					app, err := c.New(sh, kind == "write")
					if err != nil {
						b.Fatal(err)
					}
					measureVisitor(b, app.Handler)
				})
			}
		}
	}
}

// largeCookie returns the cookie value ours-encrypted sends for the 2 KB
// shape, and the JSON of that session's values.
func largeCookie(tb testing.TB) (value string, body []byte) {
	sh := Shapes()[3]
	app, err := ScaleCases()[2].New(sh, false)
	if err != nil {
		tb.Fatal(err)
	}
	v := NewVisitor(app.Handler)
	if _, err := v.Do(); err != nil {
		tb.Fatal(err)
	}
	_, value, _ = strings.Cut(v.Cookie(), "=")
	m := map[string]any{}
	for _, kv := range sh.Values() {
		m[kv.Key] = kv.Value
	}
	body, err = json.Marshal(map[string]any{"c": 1700000000, "i": 1700000000, "v": m})
	if err != nil {
		tb.Fatal(err)
	}
	return value, body
}

// BenchmarkPrimitive measures what a read-only request with the 2 KB
// session cannot avoid: base64url-decoding its cookie, opening it with
// AES-256-GCM, and one pass over its JSON. json-scan is a bare pass that
// tracks strings and nesting, the least a reader does; json-valid is
// encoding/json's validator, for comparison.
func BenchmarkPrimitive(b *testing.B) {
	value, body := largeCookie(b)
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("base64-decode-"+kb(len(value)), func(b *testing.B) {
		dst := make([]byte, len(raw))
		b.SetBytes(int64(len(value)))
		for b.Loop() {
			if _, err := base64.RawURLEncoding.Decode(dst, []byte(value)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("aes-gcm-open-"+kb(len(raw)), func(b *testing.B) {
		block, _ := aes.NewCipher(make([]byte, 32))
		aead, _ := cipher.NewGCM(block)
		nonce := make([]byte, aead.NonceSize())
		plain := make([]byte, len(raw)-len(nonce)-aead.Overhead()-5)
		sealed := aead.Seal(nil, nonce, plain, []byte("ad"))
		dst := make([]byte, 0, len(sealed))
		b.SetBytes(int64(len(sealed)))
		for b.Loop() {
			if _, err := aead.Open(dst[:0], nonce, sealed, []byte("ad")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-scan-"+kb(len(body)), func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if scanJSON(body) != 0 {
				b.Fatal("unbalanced")
			}
		}
	})
	b.Run("json-valid-"+kb(len(body)), func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !json.Valid(body) {
				b.Fatal("invalid")
			}
		}
	})
}

// scanJSON passes over JSON text once, skipping strings, and returns the
// nesting depth at the end (0 for balanced text).
func scanJSON(data []byte) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return depth
}

// kb names a size in KB with one decimal: 3.1KB.
func kb(n int) string { return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + "KB" }

// storedSessions is how many sessions BenchmarkStoredSession stores per
// iteration.
const storedSessions = 2000

// BenchmarkStoredSession measures the heap one stored session costs in
// ours and scs's memstore, per shape: each iteration makes a new app,
// stores a quarter of storedSessions sessions of the shape in it, then
// storedSessions more, each the first request of a new visitor.
// B/session is the growth of the live heap (after garbage collection)
// over the second batch, per session; ns/op is not the point. Run it with
// a small -benchtime such as 3x.
func BenchmarkStoredSession(b *testing.B) {
	for _, sh := range Shapes() {
		for _, c := range []ScaleCase{
			{"scs-memstore", newSCSScale},
			{"ours-memstore", func(sh Shape, write bool) (*App, error) {
				return oursScale(oursConfig(memstore.New(memstore.WithMaxRecords(1<<30))), sh, write)
			}},
		} {
			b.Run(sh.Name+"/"+c.Name, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				var grown float64
				for b.Loop() {
					app, err := c.New(sh, false)
					if err != nil {
						b.Fatal(err)
					}
					store := func(n int) {
						for range n {
							rec := httptest.NewRecorder()
							app.Handler.ServeHTTP(rec, req)
							if rec.Body.String() != string(bodyNew) {
								b.Fatalf("status %d: %q", rec.Code, rec.Body)
							}
						}
					}
					store(storedSessions / 4) // the store's first allocations
					var before, after runtime.MemStats
					settle()
					runtime.ReadMemStats(&before)
					store(storedSessions)
					settle()
					runtime.ReadMemStats(&after)
					grown += float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
					runtime.KeepAlive(app)
				}
				b.ReportMetric(grown/float64(b.N)/storedSessions, "B/session")
			})
		}
	}
}

// settle collects garbage until the live heap stops shrinking, so memory
// freed late (finalizers, a previous case's app) is not counted.
func settle() {
	var m runtime.MemStats
	last := ^uint64(0)
	for range 10 {
		runtime.GC()
		runtime.ReadMemStats(&m)
		if m.HeapAlloc >= last {
			return
		}
		last = m.HeapAlloc
	}
}
