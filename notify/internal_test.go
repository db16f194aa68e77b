package notify

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestTruncateEveryCut cuts mixed-width text at every length and checks the
// result is valid UTF-8 within the limit, marked when cut.
func TestTruncateEveryCut(t *testing.T) {
	s := "督办a🚨b。" + strings.Repeat("老旧小区改造x", 5)
	for max := 0; max <= len(s)+1; max++ {
		got := truncate(s, max)
		if len(got) > max && max < len(s) || !utf8.ValidString(got) {
			t.Fatalf("truncate(%d) = %q (%d bytes)", max, got, len(got))
		}
		if max >= len(s) && got != s {
			t.Fatalf("truncate(%d) changed a short text: %q", max, got)
		}
		if max < len(s) && max >= len(TruncatedMark) && !strings.HasSuffix(got, TruncatedMark) {
			t.Fatalf("truncate(%d) = %q, not marked", max, got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 30, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"99999999999999999", MaxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(72 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
	}
	for _, c := range cases {
		if got := parseRetryAfter(c.header, now); got != c.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", c.header, got, c.want)
		}
	}
}
