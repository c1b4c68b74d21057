package state

import "github.com/websession/session/internal/jsonscan"

// The eight-bytes-at-a-time helpers live in package jsonscan, the JSON
// scanner that uses them most; the root package's cookie checks use them
// from here.
const (
	LoBits = jsonscan.LoBits
	HiBits = jsonscan.HiBits
)

// HasLess reports whether a byte of x is less than n, for n at most 0x80.
func HasLess(x uint64, n byte) bool { return jsonscan.HasLess(x, n) }

// HasByte reports whether a byte of x is b.
func HasByte(x uint64, b byte) bool { return jsonscan.HasByte(x, b) }
