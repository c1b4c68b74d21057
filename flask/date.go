package flask

import (
	"fmt"
	"net/http"
	"time"
)

// Flask writes a datetime as werkzeug's http_date: converted to UTC (a
// naive datetime is taken as UTC), whole seconds, "Wed, 21 Oct 2015
// 07:28:00 GMT". It reads it back with werkzeug's parse_date as an aware
// datetime in UTC. Python's email parser turns a year below 100 into 19xx
// or 20xx, so such years cannot make the trip.

// formatHTTPDate formats t as Flask's " d" tag does. Sub-second precision
// is dropped, as in Flask.
func formatHTTPDate(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 100 || y > 9999 {
		return "", fmt.Errorf("flask: time.Time in year %d cannot be stored: Flask reads only years 100 to 9999 back correctly (is it an unset time.Time?)", y)
	}
	return t.Format(http.TimeFormat), nil
}

// parseHTTPDate parses the date format Flask writes, returning it in UTC.
// The weekday is not checked, as in Python. Years 0..99 map to 2000..2068
// and 1969..1999, as Python's email.utils does.
func parseHTTPDate(s string) (time.Time, error) {
	t, err := time.Parse(http.TimeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("flask: date is not in the form %q", http.TimeFormat)
	}
	if y := t.Year(); y < 100 {
		if y > 68 {
			t = t.AddDate(1900, 0, 0)
		} else {
			t = t.AddDate(2000, 0, 0)
		}
	}
	return t.UTC(), nil
}
