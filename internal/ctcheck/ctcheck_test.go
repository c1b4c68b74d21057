package ctcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// leaky is a package that compares secrets every way the check must catch
// (lines marked "want") and compares other things it must leave alone.
const leaky = `package leaky

import (
	"bytes"
	"crypto/hmac"
	"crypto/subtle"
	str "strings"
)

const version = 1

type key struct{ id [4]byte; mac []byte }

func verify(k *key, mac, want []byte, sig, other string, sessionID, userID string, b []byte) bool {
	if mac == nil || len(mac) != 32 || sig == "" || b[0] != version {
		return false
	}
	if string(mac) == other { // want
		return false
	}
	if bytes.Equal(mac, want) { // want
		return true
	}
	if str.Compare(sig, other) == 0 { // want
		return true
	}
	if k.appendMAC(b) != other { // want
		return true
	}
	if sessionID != other { // want
		return true
	}
	if [4]byte(b[:4]) == k.id { // want
		return true
	}
	if hmac.Equal(mac, want) || subtle.ConstantTimeCompare([]byte(sig), b) == 1 {
		return true
	}
	if userID == other || str.EqualFold(other, "x") || bytes.Equal(b, want) {
		return true
	}
	var zero [4]byte
	_ = k.id == [4]byte{} && zero == [4]byte{}
	return false
}

func (k *key) appendMAC(b []byte) string { return string(b) }
`

func TestSyntheticLeaksAreFound(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "leaky.go", leaky, 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, line := range strings.Split(leaky, "\n") {
		if strings.HasSuffix(line, "// want") {
			want = append(want, i+1)
		}
	}
	var got []int
	for _, f := range Files(fset, []*ast.File{f}) {
		got = append(got, f.Line)
		if f.Func != "verify" || f.File != "leaky.go" || f.Expr == "" || !strings.Contains(f.String(), "hmac.Equal") {
			t.Errorf("finding %+v: wrong details", f)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings on lines %v, want %v", got, want)
	}
}

func TestDirAllowlist(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("pkg/leak.go", "package pkg\n\nfunc check(tag, want string) bool { return tag == want }\n")
	write("pkg/leak_test.go", "package pkg\n\nfunc checkTest(tag, want string) bool { return tag == want }\n")
	write("pkg/testdata/x.go", "package x\n\nfunc f(tag, want string) bool { return tag == want }\n")

	found, err := Dir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].File != "pkg/leak.go" || found[0].Func != "check" || found[0].Expr != "tag == want" {
		t.Fatalf("Dir found %v, want the one comparison in pkg/leak.go (test files and testdata skipped)", found)
	}

	allow := []Allow{{File: "pkg/leak.go", Func: "check", Expr: "tag == want", Reason: "a public tag"}}
	if found, err := Dir(dir, allow); err != nil || len(found) != 0 {
		t.Fatalf("allowlisted: %v, %v", found, err)
	}
	if _, err := Dir(dir, []Allow{{File: "pkg/leak.go", Func: "check", Expr: "tag == want"}}); err == nil {
		t.Error("an allowlist entry without a reason was accepted")
	}
	stale := append(allow, Allow{File: "pkg/gone.go", Func: "f", Expr: "mac == x", Reason: "gone"})
	if _, err := Dir(dir, stale); err == nil || !strings.Contains(err.Error(), "matches no comparison") {
		t.Errorf("a stale allowlist entry was not reported: %v", err)
	}
}

func TestSplitWords(t *testing.T) {
	for name, want := range map[string]string{
		"appendMAC": "append mac", "sessionID": "session id", "HMACKey": "hmac key", "ID": "id",
		"raw_sig": "raw sig", "keyIDSize": "key id size", "userID": "user id", "x": "x",
	} {
		if got := strings.Join(splitWords(name), " "); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", name, got, want)
		}
	}
}
