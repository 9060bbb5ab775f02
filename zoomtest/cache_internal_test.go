package zoomtest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The first page of a month generates the days it takes sessions from,
// not the whole month; the cache of generated days stays within
// its limit; a day dropped from it comes back the same.
func TestPageGeneratesOnlyItsDays(t *testing.T) {
	cfg := defaultConfig()
	cfg.sessionsPerDay = 1000
	d := newDataSet(cfg)
	from := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

	first, total := d.page(from, to, now, 0, 300)
	if len(first) != 300 || total != 31*1000 {
		t.Fatalf("page 1: %d sessions of %d, want 300 of %d", len(first), total, 31*1000)
	}
	if len(d.days) != 1 {
		t.Fatalf("page 1 generated %d days, want 1", len(d.days))
	}
	mid, _ := d.page(from, to, now, 900, 300) // 900..1199: July 1 and 2
	if len(d.days) != 2 || !mid[0].LastMessageSentTime.Before(from.AddDate(0, 0, 1)) || mid[299].LastMessageSentTime.Before(from.AddDate(0, 0, 1)) {
		t.Fatalf("page 4 spans days 1 and 2: generated %d days", len(d.days))
	}

	// Today is counted by generating it: only the sessions before now.
	want := 0
	for _, s := range d.generate(utcDay(now)) {
		if !s.LastMessageSentTime.After(now) {
			want++
		}
	}
	today, n := d.page(utcDay(now), utcDay(now), now, 0, 300)
	if n != want || len(today) != 300 || want < 450 || want > 550 {
		t.Fatalf("today at noon: %d sessions, page of %d; want %d (about half of 1,000), 300", n, len(today), want)
	}

	big := newDataSet(cfg)
	big.limit = 5 * 1000 // five days
	day1 := big.day(from)
	for i := range 10 {
		big.day(from.AddDate(0, 0, i))
		if got := len(big.days) * big.perDay; got > big.limit {
			t.Fatalf("after %d days: %d sessions cached, over %d", i+1, got, big.limit)
		}
	}
	if _, ok := big.days[from]; ok {
		t.Fatal("the oldest day is still cached after ten days")
	}
	if diff := cmp.Diff(day1, big.day(from)); diff != "" {
		t.Fatalf("day generated again differs (-first +again):\n%s", diff)
	}
}
