package state

// Eight bytes at a time: LoBits has 1 in every byte, HiBits the top bit of
// every byte.
const (
	LoBits = 0x0101010101010101
	HiBits = 0x8080808080808080
)

// HasLess reports whether a byte of x is less than n, for n at most 0x80.
// (Subtracting n borrows only from a byte below n, and the lowest such
// byte always shows; bytes of 0x80 or more never do.)
func HasLess(x uint64, n byte) bool { return (x-LoBits*uint64(n))&^x&HiBits != 0 }

// HasByte reports whether a byte of x is b.
func HasByte(x uint64, b byte) bool { return HasLess(x^(LoBits*uint64(b)), 1) }
