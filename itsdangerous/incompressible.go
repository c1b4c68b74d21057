package itsdangerous

import (
	"math/bits"
	"slices"
)

// Most session cookies are a few dozen bytes of JSON that zlib cannot
// shorten, yet Python's rule asks to try, and a zlib writer costs several
// microseconds even for a tiny input. cannotCompress proves, in a fraction
// of that, that no zlib stream of the data is short enough for the rule to
// pick it, so EncodePayload can skip the compressor.
//
// The proof bounds the size of any single deflate block that decodes to the
// data (RFC 1951). C zlib and compress/flate both write a payload under
// maxProofSize as one block: they start a new one only after some 16,000
// symbols. A block of b bits makes a zlib stream of ceil(b/8)+6 bytes (a
// 2-byte header and a 4-byte Adler-32 around it), and the rule compresses
// when that is under len(data)-1 bytes, that is when b <= 8*(len(data)-8).
//
// A match of deflate copies at least three bytes from earlier in the data,
// so a byte that lies in no repeated 3-byte string must be sent as a
// literal. Each kind of block then costs at least:
//
//   - stored: 35 bits of header and LEN/NLEN, plus 8 bits a byte;
//   - fixed codes: 3 bits of header, 7 for the end of block, 8 or 9 for each
//     such literal, and for each run of bytes that repeats earlier ones the
//     cheaper of 8 bits a byte and 12 bits a match (7 for the length, 5 for
//     the distance) of at most 258 bytes;
//   - dynamic codes: 17 bits of header (type, HLIT, HDIST, HCLEN); 3 bits
//     for each code length code declared, at least 4 of them and at least
//     one more than the position, in RFC 1951's order (16, 17, 18, 0, 8, 7,
//     9, 6, ...), of the shortest code length of these literals, since each
//     length in use is written out at least once; the literals and the end
//     of block, no cheaper than the optimal prefix code for their counts
//     (Huffman's), nor than that shortest length times their number; the
//     code lengths from literal 0 to the end of block, where each literal
//     sent and the end of block need a nonzero length, and a code length
//     symbol costs at least 1 bit, a repeat (code 16) 3 bits for up to 6
//     lengths, a run of zeros 4 bits for up to 10 (code 17) or 8 bits for up
//     to 138 (code 18); and for each repeating run the cheaper of 1 bit a
//     byte and 2 bits a match (a length and a distance code) of at most 258
//     bytes.
//
// The data cannot compress when all three bounds are over the budget.

// maxProofSize is the longest payload cannotCompress examines: longer JSON
// nearly always compresses, and a proof would only add work.
const maxProofSize = 1024

// clPosition is the position of each code length 1..15 in the order in which
// a dynamic block declares the code length code (RFC 1951, 3.2.7).
var clPosition = [16]int{1: 17, 2: 15, 3: 13, 4: 11, 5: 9, 6: 7, 7: 5, 8: 4, 9: 6, 10: 8, 11: 10, 12: 12, 13: 14, 14: 16, 15: 18}

// cannotCompress reports whether no one-block zlib stream of data (zlib
// writes no other for data this short) is shorter than len(data)-1 bytes,
// which is when Python's rule leaves a payload uncompressed. False means
// only that it could not tell.
func cannotCompress(data []byte) bool {
	bound, ok := deflateLowerBound(data)
	return ok && bound > 8*(len(data)-8)
}

// deflateLowerBound returns a number of bits that no single deflate block
// decoding to data can be shorter than, or false when data is longer than
// maxProofSize.
func deflateLowerBound(data []byte) (int, bool) {
	// The table of 3-byte strings is sized to the data: clearing a large
	// one would cost more than the rest for a short payload.
	switch n := len(data); {
	case n <= 64:
		var table [128]uint32
		return lowerBound(data, table[:]), true
	case n <= maxProofSize:
		var table [2 * maxProofSize]uint32
		size := 256
		for size < 2*n {
			size <<= 1
		}
		return lowerBound(data, table[:size]), true
	}
	return 0, false
}

// lowerBound is deflateLowerBound with a zeroed table of 3-byte strings, a
// power of two at least twice as long as data.
func lowerBound(data []byte, table []uint32) int {
	n := len(data)
	var (
		counts [256]uint16 // literals that cannot be part of a match
		used   [4]uint64   // which counts are not zero
	)
	shift, mask := 32-bits.TrailingZeros(uint(len(table))), uint32(len(table)-1)
	fixedBits := 3 + 7         // header, end of block
	dynamicRunBits := 0        // runs that may be matches, in a dynamic block
	repeatedUntil, run := 0, 0 // bytes before repeatedUntil are in a repeated string
	for i, c := range data {
		if i+3 <= n {
			// The table holds each string met so far as 1<<24|s, open
			// addressed with linear probing.
			s := 1<<24 | uint32(c)<<16 | uint32(data[i+1])<<8 | uint32(data[i+2])
			for h := s * 0x9e3779b1 >> shift; ; h = (h + 1) & mask {
				if table[h] == 0 {
					table[h] = s
					break
				}
				if table[h] == s {
					repeatedUntil = i + 3
					break
				}
			}
		}
		if i < repeatedUntil {
			run++
			continue
		}
		if run > 0 {
			fixedBits += runBits(run, 12, 8)
			dynamicRunBits += runBits(run, 2, 1)
			run = 0
		}
		counts[c]++
		used[c>>6] |= 1 << (c & 63)
		fixedBits += 8
		if c >= 144 {
			fixedBits++
		}
	}
	if run > 0 {
		fixedBits += runBits(run, 12, 8)
		dynamicRunBits += runBits(run, 2, 1)
	}
	storedBits := 35 + 8*n
	return min(storedBits, fixedBits, dynamicBits(&counts, &used)+dynamicRunBits)
}

// runBits bounds the cost of a run of bytes that matches could cover: match
// bits for each match of up to 258 bytes, lit bits for each literal.
func runBits(run, match, lit int) int {
	best := lit * run
	for k := 1; k <= (run+257)/258; k++ {
		best = min(best, match*k+lit*max(0, run-258*k))
	}
	return best
}

// dynamicBits bounds the bits of a dynamic block's header and literals
// whose counts are given (used tells which are not zero), end of block
// included; see the comment at the top of the file.
func dynamicBits(counts *[256]uint16, used *[4]uint64) int {
	var weights [257]uint16
	k, total := 0, 1    // the end of block occurs once
	half, prev := 0, -1 // code lengths, in half bits
	for i, u := range used {
		for ; u != 0; u &= u - 1 {
			s := 64*i + bits.TrailingZeros64(u)
			weights[k] = counts[s]
			k++
			total += int(counts[s])
			half += gapHalfBits(s-prev-1) + 1
			prev = s
		}
	}
	weights[k] = 1
	k++
	half += gapHalfBits(256-prev-1) + 1
	lit := huffmanBits(weights[:k])

	best := -1
	for l := 1; l <= 15; l++ {
		b := 3*max(4, clPosition[l]+1) + max(lit, l*total)
		if best < 0 || b < best {
			best = b
		}
	}
	return 17 + best + (half+1)/2
}

// gapHalfBits bounds, in half bits, the code length symbols that cover g
// code lengths (g <= 256): 1 half bit a length under a repeat code (3 bits
// for up to 6), 8 half bits for up to 10 zeros (code 17), 16 for up to 138
// (code 18).
func gapHalfBits(g int) int {
	under := func(r int) int { return 8*(r/10) + min(r%10, 8) } // no code 18
	return min(under(g), 16+under(max(0, g-138)), 32)
}

// huffmanBits returns the cost in bits of the optimal prefix code for
// symbols occurring w times (at least two of them): the sum of the merged
// weights of Huffman's algorithm. It sorts w.
func huffmanBits(w []uint16) int {
	slices.Sort(w)
	// Two queues: the sorted leaves and the merged nodes, which come out in
	// increasing order.
	var merged [256]int
	leaf, head, tail, cost := 0, 0, 0, 0
	for range len(w) - 1 {
		s := 0
		for range 2 {
			if leaf < len(w) && (head == tail || int(w[leaf]) <= merged[head]) {
				s += int(w[leaf])
				leaf++
			} else {
				s += merged[head]
				head++
			}
		}
		cost += s
		merged[tail] = s
		tail++
	}
	return cost
}
