package state

import "strings"

// SummarizeAgent turns a User-Agent header into a short label such as
// "Firefox on Linux" for a user's list of sessions. It keeps no version
// numbers and nothing else from the header, so the label cannot carry
// anything the visitor did not choose to show, and it is at most a few
// dozen bytes whatever the header holds.
func SummarizeAgent(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	browser := firstMatch(ua, browsers)
	platform := firstMatch(ua, platforms)
	switch {
	case browser == "" && platform == "":
		return "Other client"
	case platform == "":
		return browser
	case browser == "":
		return "Browser on " + platform
	}
	return browser + " on " + platform
}

// agentToken maps a token found in a User-Agent header to a label.
type agentToken struct{ token, label string }

// Order matters: Edge and Opera also claim Chrome, Chrome claims Safari,
// and Android claims Linux.
var browsers = []agentToken{
	{"Edg/", "Edge"},
	{"OPR/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"},
	{"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"HeadlessChrome/", "Headless Chrome"},
	{"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"},
	{"Safari/", "Safari"},
	{"curl/", "curl"},
	{"Wget/", "Wget"},
	{"python-requests/", "Python requests"},
	{"Go-http-client/", "Go HTTP client"},
}

var platforms = []agentToken{
	{"iPhone", "iPhone"},
	{"iPad", "iPad"},
	{"Android", "Android"},
	{"Windows", "Windows"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"CrOS", "ChromeOS"},
	{"Linux", "Linux"},
}

func firstMatch(ua string, tokens []agentToken) string {
	for _, t := range tokens {
		if strings.Contains(ua, t.token) {
			return t.label
		}
	}
	return ""
}
