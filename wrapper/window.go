package wrapper

import (
	"errors"
	"fmt"
	"time"
)

// Window is one request range: from and to inclusive, never more than one
// calendar month (Zoom answers at most one month per query).
type Window struct {
	From, To Date
}

// String returns the window as "2026-01-01..2026-01-31".
func (w Window) String() string { return w.From.String() + ".." + w.To.String() }

// ErrRange is matched (errors.Is) by range-rule errors: from after to, a
// range reaching back more than six months, and Zoom's own 400/code 300
// answers about the range.
var ErrRange = errors.New("date range not allowed")

// Windows splits the inclusive range from..to into consecutive calendar-month
// windows: the first runs from `from` to the end of its month, the last from
// the first of to's month to `to`, the others are whole months. There are no
// gaps and no overlaps. Invalid dates and from after to are errors.
func Windows(from, to Date) ([]Window, error) {
	if !from.IsValid() {
		return nil, fmt.Errorf("from: %w: %d-%d-%d", ErrInvalidDate, from.Year, int(from.Month), from.Day)
	}
	if !to.IsValid() {
		return nil, fmt.Errorf("to: %w: %d-%d-%d", ErrInvalidDate, to.Year, int(to.Month), to.Day)
	}
	if from.After(to) {
		return nil, fmt.Errorf("%w: from %s is after to %s", ErrRange, from, to)
	}
	var ws []Window
	for start := from; !start.After(to); {
		end := start.endOfMonth()
		if end.After(to) {
			end = to
		}
		ws = append(ws, Window{From: start, To: end})
		start = end.AddDays(1)
	}
	return ws, nil
}

// EarliestDay is the oldest day Zoom serves chat-session reports for when
// today (UTC) is today: the same day six calendar months before (clamped
// to the month's last day). A range that starts earlier is refused with
// ErrRange.
func EarliestDay(today Date) Date { return today.AddMonths(-6) }

// checkSixMonths refuses a range that starts more than six calendar months
// before today (in UTC, per now).
func checkSixMonths(from Date, now time.Time) error {
	today := DateOf(now.UTC())
	earliest := EarliestDay(today)
	if from.Before(earliest) {
		return fmt.Errorf("%w: from %s reaches back more than six months (Zoom's six-month limit: earliest allowed today, %s, is %s)",
			ErrRange, from, today, earliest)
	}
	return nil
}
