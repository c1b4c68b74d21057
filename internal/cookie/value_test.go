package cookie

import (
	"iter"
	"net/http"
	"slices"
)

// netHTTPAccepts is the rule by which net/http keeps a cookie value (its
// quotes removed): every byte printable ASCII but '"', ';' and '\\'.
// Values leaves this check to the session cookie's readers.
func netHTTPAccepts(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// acceptedValues collects the values Values yields for the cookies named
// "session" in r that net/http would keep, and net/http's own.
func acceptedValues(r *http.Request) (got, want []string) {
	for _, c := range r.CookiesNamed("session") {
		want = append(want, c.Value)
	}
	return slices.Collect(filter(Values(r, "session"), netHTTPAccepts)), want
}

func filter(seq iter.Seq[string], keep func(string) bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		for v := range seq {
			if keep(v) && !yield(v) {
				return
			}
		}
	}
}
