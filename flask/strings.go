package flask

import (
	"unicode/utf8"
)

// Python strings are sequences of code points and may hold lone surrogates
// (json.loads('"\ud800"') is a valid str), which UTF-8 cannot encode. This
// package keeps such a surrogate in a Go string as its 3-byte WTF-8 form
// (ED A0 80 for U+D800), so a value read from Flask reaches Flask unchanged
// when written back. Byte order of WTF-8 strings is code point order, the
// order Python sorts str keys in.

// canonical returns s with every byte sequence the encoder cannot write as
// a code point replaced: a WTF-8 high surrogate followed by a WTF-8 low
// surrogate becomes the 4-byte UTF-8 of the pair, other invalid bytes become
// U+FFFD (as encoding/json does). Lone WTF-8 surrogates are kept.
func canonical(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || n > 1 {
			b = append(b, s[i:i+n]...)
			i += n
			continue
		}
		hi, ok := surrogateAt(s, i)
		if !ok {
			b = utf8.AppendRune(b, utf8.RuneError)
			i++
			continue
		}
		if lo, ok := surrogateAt(s, i+3); ok && hi < 0xdc00 && lo >= 0xdc00 {
			b = utf8.AppendRune(b, 0x10000+(hi-0xd800)<<10+(lo-0xdc00))
			i += 6
			continue
		}
		b = appendSurrogate(b, hi)
		i += 3
	}
	return string(b)
}

// surrogateAt decodes the WTF-8 encoding of a surrogate (U+D800..U+DFFF) at
// s[i:].
func surrogateAt(s string, i int) (rune, bool) {
	if i+3 > len(s) || s[i] != 0xed || s[i+1] < 0xa0 || s[i+1] > 0xbf || s[i+2] < 0x80 || s[i+2] > 0xbf {
		return 0, false
	}
	return 0xd000 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), true
}

// appendSurrogate appends the WTF-8 encoding of surrogate r.
func appendSurrogate(b []byte, r rune) []byte {
	return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as Python's json.dumps(s, ensure_ascii=True) writes
// it: only printable ASCII (0x20..0x7e) is written as is, '"' and '\\' and
// the five short escapes are escaped as in JSON, everything else becomes
// \uXXXX with lowercase hex, code points above U+FFFF as a surrogate pair.
// '/' and HTML characters are not escaped. s must be canonical.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		n := 1
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			var r rune
			if c < 0x80 {
				r = rune(c)
			} else if sr, ok := surrogateAt(s, i); ok {
				r, n = sr, 3
			} else {
				r, n = utf8.DecodeRuneInString(s[i:])
			}
			if r > 0xffff {
				r -= 0x10000
				b = appendU(b, 0xd800+(r>>10))
				r = 0xdc00 + r&0x3ff
			}
			b = appendU(b, r)
		}
		i += n
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendU appends \uXXXX for r <= 0xffff.
func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
