package zoomtest

import (
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// page returns the sessions of between(from, to, now) from offset, at most
// n of them (a copy), and how many between returns in all. It generates
// only the days the page takes sessions from (and today's, to count it), so
// a large fake account (1,000 sessions a day and more) answers each page in
// time proportional to the page, not to its window.
func (d *dataSet) page(from, to, now time.Time, offset, n int) ([]api.ChatSession, int) {
	if d.ownMode {
		all := d.between(from, to, now)
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
