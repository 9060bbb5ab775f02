package zoomtest

import (
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// page returns the sessions whose last message falls between from 00:00
// and to 23:59:59.999 UTC, oldest first, from offset, at most n of them (a
// copy), and how many there are in all. Generated sessions later than now
// have not happened yet and are left out. It generates
// only the days the page takes sessions from (and today's, to count it), so
// a large fake account (1,000 sessions a day and more) answers each page in
// time proportional to the page, not to its window.
func (d *dataSet) page(from, to, now time.Time, offset, n int) ([]api.ChatSession, int) {
	if d.ownMode {
		all := d.ownBetween(from, to)
		offset = min(offset, len(all))
		return append([]api.ChatSession{}, all[offset:min(offset+n, len(all))]...), len(all)
	}
	out := []api.ChatSession{}
	total := 0
	end := utcDay(to).AddDate(0, 0, 1)
	for day := utcDay(from); day.Before(end) && !day.After(now); day = day.AddDate(0, 0, 1) {
		k := d.count(day, now)
		if lo, hi := max(offset-total, 0), min(offset+n-total, k); lo < hi {
			out = append(out, d.day(day)[lo:hi]...)
		}
		total += k
	}
	return out, total
}
