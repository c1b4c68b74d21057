package jsonscan

// Eight bytes at a time: LoBits has 1 in every byte, HiBits the top bit of
// every byte.
const (
	LoBits = 0x0101010101010101
	HiBits = 0x8080808080808080
)

// below has the top bit set in the lowest byte of x that is less than n,
// for n at most 0x80, if any (and perhaps in bytes above it): subtracting
// n borrows only from a byte below n; bytes of 0x80 or more never show.
func below(x uint64, n byte) uint64 { return (x - LoBits*uint64(n)) &^ x }

// HasLess reports whether a byte of x is less than n, for n at most 0x80.
func HasLess(x uint64, n byte) bool { return below(x, n)&HiBits != 0 }

// HasByte reports whether a byte of x is b.
func HasByte(x uint64, b byte) bool { return HasLess(x^(LoBits*uint64(b)), 1) }
