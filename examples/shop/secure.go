package main

import (
	"net"
	"strings"
)

// cookieInsecure decides Cookie.Insecure for the address the shop listens
// on: true only for plain HTTP on a loopback address (127.0.0.1, ::1,
// localhost), so the demo works at http://127.0.0.1:8080 in any client;
// false, a Secure cookie, everywhere else, the library's default.
func cookieInsecure(addr string, tls bool) bool {
	return !tls && isLoopback(addr)
}

// isLoopback reports whether addr (host:port) names a loopback host. An
// empty host means every interface, which is not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
