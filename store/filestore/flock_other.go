//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package filestore

import "os"

// tryFlock does nothing on systems without flock(2): see the package
// documentation.
func tryFlock(*os.File) (bool, error) { return true, nil }
