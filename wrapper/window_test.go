package wrapper

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestWindows(t *testing.T) {
	w := func(a, b string) Window { return Window{d(a), d(b)} }
	cases := []struct {
		name     string
		from, to string
		want     []Window
	}{
		{"single day", "2026-03-15", "2026-03-15", []Window{w("2026-03-15", "2026-03-15")}},
		{"whole month", "2026-01-01", "2026-01-31", []Window{w("2026-01-01", "2026-01-31")}},
		{"across month end", "2026-01-31", "2026-02-01", []Window{w("2026-01-31", "2026-01-31"), w("2026-02-01", "2026-02-01")}},
		{"leap February", "2024-01-15", "2024-03-10", []Window{w("2024-01-15", "2024-01-31"), w("2024-02-01", "2024-02-29"), w("2024-03-01", "2024-03-10")}},
		{"common February", "2026-02-01", "2026-03-01", []Window{w("2026-02-01", "2026-02-28"), w("2026-03-01", "2026-03-01")}},
		{"year end", "2025-12-20", "2026-01-05", []Window{w("2025-12-20", "2025-12-31"), w("2026-01-01", "2026-01-05")}},
		{"six months", "2025-11-27", "2026-05-27", []Window{
			w("2025-11-27", "2025-11-30"), w("2025-12-01", "2025-12-31"), w("2026-01-01", "2026-01-31"),
			w("2026-02-01", "2026-02-28"), w("2026-03-01", "2026-03-31"), w("2026-04-01", "2026-04-30"),
			w("2026-05-01", "2026-05-27")}},
	}
	for _, c := range cases {
		got, err := Windows(d(c.from), d(c.to))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v\nwant %v", c.name, got, c.want)
		}
		// no gaps, no overlaps, each within one calendar month
		for i, x := range got {
			if x.From.Year != x.To.Year || x.From.Month != x.To.Month || x.From.After(x.To) {
				t.Errorf("%s: window %v not within one month", c.name, x)
			}
			if i > 0 && got[i-1].To.AddDays(1) != x.From {
				t.Errorf("%s: gap or overlap before %v", c.name, x)
			}
		}
	}
	if _, err := Windows(d("2026-02-02"), d("2026-02-01")); !errors.Is(err, ErrRange) {
		t.Errorf("from after to: err = %v", err)
	}
	if _, err := Windows(Date{2026, 2, 30}, d("2026-03-01")); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("invalid from: err = %v", err)
	}
}

func TestCheckSixMonths(t *testing.T) {
	now := time.Date(2026, 5, 27, 12, 0, 0, 0, time.UTC)
	if err := checkSixMonths(d("2025-11-27"), now); err != nil {
		t.Errorf("exactly six months: %v", err)
	}
	err := checkSixMonths(d("2025-11-26"), now)
	if !errors.Is(err, ErrRange) {
		t.Fatalf("err = %v", err)
	}
	want := "date range not allowed: from 2025-11-26 reaches back more than six months (Zoom's six-month limit: earliest allowed today, 2026-05-27, is 2025-11-27)"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}
