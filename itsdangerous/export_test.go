package itsdangerous

// Internals the external tests check against the real Python.
var (
	DeflateLowerBound = deflateLowerBound
	CannotCompress    = cannotCompress
	TestPayloads      = testPayloads
)
