package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// progressMode says whether and how progress shows on stderr.
type progressMode int

const (
	progressOff progressMode = iota
	// progressTerminal redraws one line in place, twice a second.
	progressTerminal
	// progressPlain writes a plain line every plainEvery: no escape codes,
	// no carriage returns, for a log file.
	progressPlain
)

// Redraw intervals; tests shorten plainEvery.
var (
	terminalEvery = 500 * time.Millisecond
	plainEvery    = 5 * time.Second
)

// reporter owns stderr while a pull runs: it shows progress from the
// client's Stats, and it serialises stdout and stderr (see output), so that
// a stderr line never lands inside a row and a row never lands on the
// progress line.
type reporter struct {
	w      io.Writer
	mode   progressMode
	width  int // stderr's columns, in progressTerminal mode
	client *wrapper.Client
	total  int     // windows in the range
	days   float64 // days in the windows
	start  time.Time

	mu       sync.Mutex
	drawn    bool // a progress line is on the terminal, not yet erased
	stopOnce sync.Once
	done     chan struct{}
	wg       sync.WaitGroup
}

// newReporter starts showing progress on w in mode for a pull of windows.
func newReporter(w io.Writer, mode progressMode, width int, client *wrapper.Client, windows []wrapper.Window) *reporter {
	r := &reporter{w: w, mode: mode, width: width, client: client, total: len(windows), start: time.Now(), done: make(chan struct{})}
	for _, w := range windows {
		r.days += w.To.AddDays(1).Time(time.UTC).Sub(w.From.Time(time.UTC)).Hours() / 24
	}
	if mode != progressOff {
		r.wg.Go(r.loop)
	}
	return r
}

func (r *reporter) loop() {
	every := terminalEvery
	if r.mode == progressPlain {
		every = plainEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
			r.mu.Lock()
			r.draw()
			r.mu.Unlock()
		}
	}
}

// output runs write, which writes whole rows to stdout and flushes them,
// with the progress line erased meanwhile; it is drawn again after.
func (r *reporter) output(write func() error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	wasDrawn := r.drawn
	r.erase()
	err := write()
	if wasDrawn {
		r.draw()
	}
	return err
}

// line is the progress line: everything the pull has met so far.
func (r *reporter) line() string {
	st := r.client.Stats()
	elapsed := time.Since(r.start)
	var b strings.Builder
	fmt.Fprintf(&b, "windows %d/%d  sessions %d  pages %d  requests %d", st.Windows, r.total, st.Sessions, st.Pages, st.Requests)
	if st.Retries > 0 {
		fmt.Fprintf(&b, "  retries %d", st.Retries)
	}
	fmt.Fprintf(&b, "  429s %d  waited %s  pacing %s  elapsed %s", st.RateLimited, roundDuration(st.Waiting), pace(st.Rate), elapsed.Round(time.Second))
	if left, ok := r.left(elapsed, st.Covered); ok {
		fmt.Fprintf(&b, "  left ~%s", left)
	}
	return b.String()
}

// left estimates the time left from the share of the range's days that
// the pages fetched so far cover (wrapper.Stats.Covered, pages read ahead
// of the output included), once there is enough to go on.
func (r *reporter) left(elapsed, covered time.Duration) (time.Duration, bool) {
	if r.days == 0 || elapsed < 2*time.Second {
		return 0, false
	}
	f := covered.Hours() / 24 / r.days
	if f < 0.05 || f >= 1 {
		return 0, false
	}
	return time.Duration(float64(elapsed) * (1 - f) / f).Round(time.Second), true
}

// pace formats the pacing rate.
func pace(perSecond float64) string {
	switch {
	case math.IsInf(perSecond, 1):
		return "unlimited"
	case perSecond <= 0:
		return "-"
	}
	return fmt.Sprintf("%.3g req/s", perSecond)
}

// draw writes the progress line. The caller holds mu.
func (r *reporter) draw() {
	switch r.mode {
	case progressTerminal:
		line, _ := fitWidth(r.line(), max(r.width-1, 20)) // never wrap: \r would redraw only the last part
		fmt.Fprint(r.w, "\r\033[K"+line)
		r.drawn = true
	case progressPlain:
		fmt.Fprintln(r.w, "progress: "+r.line())
	}
}

// erase removes the progress line from the terminal. The caller holds mu.
func (r *reporter) erase() {
	if r.drawn {
		fmt.Fprint(r.w, "\r\033[K")
		r.drawn = false
	}
}

// finish stops the progress and leaves stderr clean for the last line (a
// summary or an error): the progress line is erased, not left behind.
func (r *reporter) finish() {
	r.stopOnce.Do(func() { close(r.done) })
	r.wg.Wait()
	r.mu.Lock()
	r.erase()
	r.mu.Unlock()
}

// summary is the closing line of a successful pull.
func (r *reporter) summary() string {
	st := r.client.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s, %s", plural(st.Sessions, "session", "sessions"), plural(int64(r.total), "window", "windows"), plural(st.Requests, "request", "requests"))
	if st.Retries > 0 {
		fmt.Fprintf(&b, " (%s)", plural(st.Retries, "retry", "retries"))
	}
	fmt.Fprintf(&b, " in %s", roundDuration(time.Since(r.start)))
	if st.RateLimited > 0 {
		fmt.Fprintf(&b, "; %s answered 429, %s waiting for limits", plural(st.RateLimited, "request", "requests"), roundDuration(st.Waiting))
	}
	return b.String()
}
