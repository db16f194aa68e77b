package identity

import (
	"testing"
	"time"
)

func TestBackoffLockedUntil(t *testing.T) {
	last := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	b := Backoff{Free: 5, Base: 30 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	for _, c := range []struct {
		attempts int
		want     time.Duration // 0: not locked
	}{
		{0, 0}, {4, 0}, {5, 30 * time.Second}, {6, time.Minute}, {7, 2 * time.Minute},
		{9, 8 * time.Minute}, {10, 15 * time.Minute}, {40, 15 * time.Minute},
	} {
		got := b.LockedUntil(c.attempts, last)
		if c.want == 0 && !got.IsZero() || c.want != 0 && !got.Equal(last.Add(c.want)) {
			t.Errorf("%d attempts: locked until %v, want last + %v", c.attempts, got, c.want)
		}
	}
	if n := b.Attempts(7, last, last.Add(59*time.Minute)); n != 7 {
		t.Errorf("attempts within an hour: %d", n)
	}
	if n := b.Attempts(7, last, last.Add(time.Hour)); n != 0 {
		t.Errorf("attempts after an hour left alone: %d", n)
	}
}

func TestCheckPasswordWithoutHashNeverMatches(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "wrong") || CheckPassword("", "correct horse battery") || CheckPassword("", "") {
		t.Fatal("CheckPassword")
	}
}
