// Package readme holds the README's Go code, each file as the README shows
// it after its package clause, so that the code a reader copies compiles
// and, in this package's tests, runs against the real stores and routers.
package readme
