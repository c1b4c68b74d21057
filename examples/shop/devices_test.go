package main

import (
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	const day = 24 * time.Hour
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{-59 * time.Second, "just now"},
		{-61 * time.Second, "1 minute ago"},
		{-59*time.Minute - 40*time.Second, "1 hour ago"},
		{-5 * time.Hour, "5 hours ago"},
		{-3 * day, "3 days ago"},
		{31*day - 2*time.Second, "in 31 days"}, // a fresh permanent session's expiry
		{90 * time.Minute, "in 2 hours"},
	} {
		if got := relative(tt.d); got != tt.want {
			t.Errorf("relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
