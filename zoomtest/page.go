package zoomtest

import (
	"sort"
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// page returns the sessions of between(from, to, now) from offset, at most
// n of them (a copy), and how many between returns in all. It does not
// gather the whole window for every page, so a large fake account (1,000
// sessions a day and more) answers each page in time proportional to its
// days, not to its sessions.
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
		ss := d.day(day)
		k := sort.Search(len(ss), func(i int) bool { return ss[i].LastMessageSentTime.After(now) })
		if lo, hi := max(offset-total, 0), min(offset+n-total, k); lo < hi {
			out = append(out, ss[lo:hi]...)
		}
		total += k
	}
	return out, total
}
