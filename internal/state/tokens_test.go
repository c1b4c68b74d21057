package state

import (
	"fmt"
	"testing"
	"time"
)

// TestTokensStamp: a stamp keeps the newest tokens, oldest first, drops
// those past the age and the count, and is found by Has; the tokens it
// started from do not change.
func TestTokensStamp(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var tk Tokens
	for i := range 5 {
		tk = tk.Stamp(fmt.Sprintf("tok%d", i), now.Add(time.Duration(i)*time.Second), time.Minute, 3)
	}
	if want := `"tok2":1700000002,"tok3":1700000003,"tok4":1700000004`; string(tk) != want {
		t.Fatalf("after 5 stamps keeping 3: %s, want %s", tk, want)
	}
	if !tk.Has("tok4") || !tk.Has("tok2") || tk.Has("tok1") || tk.Has("tok") {
		t.Errorf("Has on %s: tok4 %v, tok2 %v, tok1 %v, tok %v; want true, true, false, false", tk, tk.Has("tok4"), tk.Has("tok2"), tk.Has("tok1"), tk.Has("tok"))
	}
	before := string(tk)
	later := tk.Stamp("tok5", now.Add(time.Minute+4*time.Second), time.Minute, 3)
	if string(tk) != before {
		t.Errorf("Stamp changed the tokens it started from: %s, was %s", tk, before)
	}
	if want := `"tok4":1700000004,"tok5":1700000064`; string(later) != want {
		t.Errorf("a stamp a minute later kept %s, want %s", later, want)
	}
}

// TestTokensFromAnEarlierVersion: a body whose tokens an earlier version
// wrote in any order, or with keys no save token has, reads; the next stamp
// orders them, oldest first, and keeps only save tokens.
func TestTokensFromAnEarlierVersion(t *testing.T) {
	st, err := ParseBody([]byte(`{"i":1700000000,"t":{"b":1700000002, "a":1700000001,"c,\"x":1700000003},"v":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Tokens.Has("a") || !st.Tokens.Has("b") {
		t.Fatalf("tokens read as %s, want a and b", st.Tokens)
	}
	got := st.Tokens.Stamp("d", time.Unix(1_700_000_004, 0), time.Minute, 64)
	if want := `"a":1700000001,"b":1700000002,"d":1700000004`; string(got) != want {
		t.Errorf("stamped: %s, want %s", got, want)
	}
	again, err := ParseBody(AppendBody(nil, &State{Values: map[string][]byte{}, Tokens: got}))
	if err != nil || string(again.Tokens) != string(got) {
		t.Errorf("written and read back: %s (%v), want %s", again.Tokens, err, got)
	}
}
