package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zoomkit/chatsessions/wrapper"
)

// DefaultOverlap is how many days before the last synced day a sync reads
// again by default: sessions of those days that got new messages after the
// last sync are updated.
const DefaultOverlap = 2

// Request says what a sync covers.
type Request struct {
	// From is the first day to fetch. Zero: the last synced day minus
	// Overlap, or the oldest day Zoom still serves on the first sync.
	From wrapper.Date
	// To is the last day to fetch. Zero: today (UTC).
	To wrapper.Date
	// Overlap is how many days before the last synced day are read again
	// when From is zero (e.g. DefaultOverlap).
	Overlap int
}

// Gap is a range of days, inclusive, that no sync archived and that Zoom no
// longer serves: the last sync was more than six months ago.
type Gap struct {
	From, To wrapper.Date
}

// String returns the gap as "2026-03-01..2026-05-27".
func (g Gap) String() string { return g.From.String() + ".." + g.To.String() }

// Plan is what a [Run] fetches.
type Plan struct {
	From, To wrapper.Date
	// Windows are the month windows of From..To.
	Windows []wrapper.Window
	// Cursors are the windows still to fetch, each at its checkpoint: the
	// windows an interrupted sync finished are left out, and a window it
	// left part way starts at its saved next_page_token.
	Cursors []wrapper.WindowCursor
	// Resumed is true when the run continues a sync that did not finish.
	Resumed bool
	// LastDay is the last day of the latest finished sync; zero if none.
	LastDay wrapper.Date
	// Gap is the days lost since the last sync (recorded in table gaps),
	// nil if none.
	Gap *Gap
}

// state is what the database says about earlier syncs.
type state struct {
	lastDay  wrapper.Date // to_day of the latest finished sync; zero if none
	openID   int64        // the unfinished sync, 0 if none
	openFrom wrapper.Date
}

func (s *Store) readState(ctx context.Context) (state, error) {
	var st state
	var last sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT max(to_day) FROM syncs WHERE finished_at IS NOT NULL`).Scan(&last); err != nil {
		return st, fmt.Errorf("archive: reading past syncs: %w", err)
	}
	var err error
	if last.Valid {
		if st.lastDay, err = wrapper.ParseDate(last.String); err != nil {
			return st, fmt.Errorf("archive: table syncs: to_day %q: %w", last.String, err)
		}
	}
	var from string
	err = s.db.QueryRowContext(ctx, `SELECT id, from_day FROM syncs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1`).Scan(&st.openID, &from)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("archive: reading past syncs: %w", err)
	}
	if st.openFrom, err = wrapper.ParseDate(from); err != nil {
		return st, fmt.Errorf("archive: table syncs: from_day %q: %w", from, err)
	}
	return st, nil
}

// plan decides the range of a sync from the request and the past syncs.
func plan(req Request, st state, today wrapper.Date) (Plan, error) {
	earliest := wrapper.EarliestDay(today)
	p := Plan{To: req.To, LastDay: st.lastDay, Resumed: st.openID != 0}
	if isZero(p.To) {
		p.To = today
	}
	if p.To.After(today) {
		return p, fmt.Errorf("archive: %w: to %s is after today, %s", wrapper.ErrRange, p.To, today)
	}
	if !isZero(st.lastDay) && st.lastDay.AddDays(1).Before(earliest) {
		p.Gap = &Gap{From: st.lastDay.AddDays(1), To: earliest.AddDays(-1)}
	}
	switch {
	case !isZero(req.From):
		p.From = req.From
		if p.From.Before(earliest) {
			return p, fmt.Errorf("archive: %w: from %s is more than six months ago; Zoom serves %s onwards", wrapper.ErrRange, p.From, earliest)
		}
	default:
		p.From = earliest
		if !isZero(st.lastDay) {
			p.From = st.lastDay.AddDays(-max(req.Overlap, 0))
		}
		if st.openID != 0 && st.openFrom.Before(p.From) {
			p.From = st.openFrom // finish what the interrupted sync started
		}
		if p.From.Before(earliest) {
			p.From = earliest
		}
	}
	if p.From.After(p.To) {
		if isZero(req.From) {
			return p, fmt.Errorf("archive: %w: to %s is before %s, where this sync would start (the last synced day, %s, less the overlap); give from",
				wrapper.ErrRange, p.To, p.From, st.lastDay)
		}
		return p, fmt.Errorf("archive: %w: from %s is after to %s", wrapper.ErrRange, p.From, p.To)
	}
	var err error
	if p.Windows, err = wrapper.Windows(p.From, p.To); err != nil {
		return p, fmt.Errorf("archive: %w", err)
	}
	return p, nil
}

func isZero(d wrapper.Date) bool { return d == wrapper.Date{} }
