package state

import "time"

// StampTokens returns tokens with tok added at now, dropping tokens older
// than keep and, past maxTokens (at least one), the oldest. tokens is not
// changed.
func StampTokens(tokens map[string]int64, tok string, now time.Time, keep time.Duration, maxTokens int) map[string]int64 {
	maxTokens = max(maxTokens, 1)
	out := make(map[string]int64, min(len(tokens), maxTokens-1)+1)
	oldest := now.Add(-keep).Unix()
	for t, at := range tokens {
		if at >= oldest {
			out[t] = at
		}
	}
	for len(out) >= maxTokens {
		var drop string
		for t, at := range out {
			if drop == "" || at < out[drop] || (at == out[drop] && t < drop) {
				drop = t
			}
		}
		delete(out, drop)
	}
	out[tok] = now.Unix()
	return out
}
