package jsonscan

// Eight bytes at a time: loBits has 1 in every byte, hiBits the top bit of
// every byte.
const (
	loBits = 0x0101010101010101
	hiBits = 0x8080808080808080
)

// below has the top bit set in the lowest byte of x that is less than n,
// for n at most 0x80, if any (and perhaps in bytes above it): subtracting
// n borrows only from a byte below n; bytes of 0x80 or more never show.
func below(x uint64, n byte) uint64 { return (x - loBits*uint64(n)) &^ x }
