package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// These tests run the real binary against an in-process fake Zoom on the
// real clock (the binary's), with a real SQLite file. Run across midnight
// UTC, "today" may differ between the fake and an assertion.

// syncCmd is the binary syncing db from srv with args added.
type syncCmd struct {
	*exec.Cmd
	stderr bytes.Buffer
}

func newSyncCmd(bin, db string, srv *zoomtest.Server, args ...string) *syncCmd {
	c := &syncCmd{Cmd: exec.Command(bin, append([]string{"sync", "--db", db, "--no-progress"}, args...)...)}
	c.Env = binaryEnv(srv)
	c.Stderr = &c.stderr
	return c
}

// run runs the binary to its end and returns its exit status.
func (c *syncCmd) run(t *testing.T) int {
	t.Helper()
	err := c.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return c.ProcessState.ExitCode()
}

// readDB opens db read-only, as a reader would during a sync.
func readDB(t *testing.T, db string) *sql.DB {
	t.Helper()
	r, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return int(n.Int64)
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// archivedIDs returns the IDs in the archive db, sorted.
func archivedIDs(t *testing.T, db string) []string {
	t.Helper()
	return queryStrings(t, readDB(t, db), `SELECT id FROM sessions ORDER BY id`)
}

// waitUntil polls cond every few milliseconds for up to 30 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(3 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// requestsSince returns the windows ("from..to") and whether each request
// from the n-th (from 0) on carried a next_page_token.
func requestsSince(srv *zoomtest.Server, n int) (windows []string, tokens []bool) {
	for _, r := range srv.Requests()[n:] {
		windows = append(windows, r.Query.Get("from")+".."+r.Query.Get("to"))
		tokens = append(tokens, r.Query.Get("next_page_token") != "")
	}
	return windows, tokens
}

// todayUTC and earliest are the binary's "today" and the oldest day Zoom serves.
func todayUTC() wrapper.Date { return wrapper.DateOf(time.Now().UTC()) }

func earliest() wrapper.Date { return todayUTC().AddMonths(-6) }

// started starts a sync of db and waits until cond, given a reader of db,
// says it has written enough (reading the db as it is written).
func started(t *testing.T, bin, db string, srv *zoomtest.Server, cond func(*sql.DB) bool, args ...string) *syncCmd {
	t.Helper()
	c := newSyncCmd(bin, db, srv, args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	r := readDB(t, db)
	waitUntil(t, "the sync has written enough", func() bool {
		var n int
		err := r.QueryRow(`SELECT count(*) FROM sessions`).Scan(&n) // fails until the schema exists
		return err == nil && n > 0 && cond(r)
	})
	return c
}

// killed starts a sync of db, waits until cond, then SIGKILLs it.
func killed(t *testing.T, bin, db string, srv *zoomtest.Server, cond func(*sql.DB) bool, args ...string) {
	t.Helper()
	c := started(t, bin, db, srv, cond, args...)
	if err := c.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()
	if c.ProcessState.ExitCode() != -1 {
		t.Fatalf("the sync ended (status %d) before SIGKILL; stderr %s", c.ProcessState.ExitCode(), c.stderr.String())
	}
}

// partial is the window a killed sync left part way: at most one, since
// pages are written in window order.
func partial(t *testing.T, db string) (window string, pages int) {
	t.Helper()
	r := readDB(t, db)
	err := r.QueryRow(`SELECT from_day || '..' || to_day, pages FROM windows WHERE pages > 0 AND finished_at IS NULL`).Scan(&window, &pages)
	if err != nil {
		t.Fatalf("no window left part way: %v", err)
	}
	return window, pages
}

func TestSyncBinary(t *testing.T) {
	bin := binary(t)
	yesterday := todayUTC().AddDays(-1).String()

	// The reference: one clean sync up to yesterday (a range that does not
	// grow while the tests run), 20 sessions a page, 2 windows at a time,
	// paced well above the fake's speed.
	const perDay, pageSize = 40, "20"
	args := []string{"--to", yesterday, "--page-size", pageSize, "--concurrency", "2", "--rate", "1000"}
	ref := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay))
	refDB := filepath.Join(t.TempDir(), "clean.db")
	if code := newSyncCmd(bin, refDB, ref, args...).run(t); code != 0 {
		t.Fatalf("clean sync: exit %d", code)
	}
	cleanRequests := ref.Stats().Requests
	wantIDs := queryStrings(t, readDB(t, refDB), `SELECT id FROM sessions ORDER BY id`)
	days := int(todayUTC().Time(time.UTC).Sub(earliest().Time(time.UTC)).Hours() / 24)
	if len(wantIDs) != days*perDay {
		t.Fatalf("clean sync archived %d sessions, want %d (%d days of %d)", len(wantIDs), days*perDay, days, perDay)
	}
	t.Logf("clean sync: %d requests, %d sessions", cleanRequests, len(wantIDs))

	t.Run("SIGKILL then resume", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay), zoomtest.WithLatency(2*time.Millisecond))
		db := filepath.Join(t.TempDir(), "archive.db")
		killed(t, bin, db, srv, func(r *sql.DB) bool {
			return queryInt(t, r, `SELECT count(*) FROM windows WHERE finished_at IS NOT NULL`) >= 2 &&
				queryInt(t, r, `SELECT count(*) FROM windows WHERE pages > 0 AND finished_at IS NULL`) == 1
		}, args...)
		first := len(srv.Requests())
		r := readDB(t, db)
		done := queryStrings(t, r, `SELECT from_day || '..' || to_day FROM windows WHERE finished_at IS NOT NULL ORDER BY from_day`)
		window, pages := partial(t, db)

		c := newSyncCmd(bin, db, srv, args...)
		if code := c.run(t); code != 0 {
			t.Fatalf("resumed sync: exit %d, stderr %s", code, c.stderr.String())
		}
		wantLine := fmt.Sprintf("resuming an unfinished sync: %d of 7 windows already done", len(done))
		if !strings.Contains(c.stderr.String(), wantLine) {
			t.Errorf("stderr %q does not say %q", c.stderr.String(), wantLine)
		}
		windows, tokens := requestsSince(srv, first)
		for _, w := range done {
			if slices.Contains(windows, w) {
				t.Errorf("window %s, finished before the kill, was fetched again", w)
			}
		}
		if i := slices.Index(windows, window); i < 0 || !tokens[i] {
			t.Errorf("window %s (left at page %d) resumed without its saved token (request %d of the resumed run)", window, pages, i)
		}
		total := first + len(windows)
		// Wasted: what the killed run had fetched but not written, at most
		// 2 windows × (2 pages read ahead (archive.ReadAheadBudget) + 1 in hand + 1 in
		// flight) = 8, the head window's extra page, and a little slack.
		if total < cleanRequests || total > cleanRequests+12 {
			t.Errorf("the two runs sent %d requests (%d + %d), want %d (one clean sync) to %d", total, first, len(windows), cleanRequests, cleanRequests+12)
		}
		t.Logf("killed run %d requests, resumed run %d, clean sync %d", first, len(windows), cleanRequests)
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive after the resume (-want +got):\n%s", diff)
		}
	})

	t.Run("SIGINT then resume", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay), zoomtest.WithLatency(2*time.Millisecond))
		db := filepath.Join(t.TempDir(), "archive.db")
		c := started(t, bin, db, srv, func(*sql.DB) bool { return true }, args...)
		if err := c.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		_ = c.Wait()
		want := "zoom-chat-sessions sync: interrupted; every page written is kept, run sync again to resume\n"
		if code := c.ProcessState.ExitCode(); code != 1 || c.stderr.String() != want {
			t.Fatalf("exit %d, stderr %q; want 1 and %q", code, c.stderr.String(), want)
		}
		r := readDB(t, db)
		if n, w := queryInt(t, r, `SELECT count(*) FROM syncs WHERE finished_at IS NULL`), queryInt(t, r, `SELECT count(*) FROM writer`); n != 1 || w != 0 {
			t.Errorf("%d unfinished syncs and %d writer rows after the interrupt, want 1 and 0", n, w)
		}
		c = newSyncCmd(bin, db, srv, args...)
		if code := c.run(t); code != 0 || !strings.Contains(c.stderr.String(), "resuming an unfinished sync") {
			t.Fatalf("resumed sync: exit %d, stderr %s", code, c.stderr.String())
		}
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive after the resume (-want +got):\n%s", diff)
		}
	})

	t.Run("resume after the saved tokens expired", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay), zoomtest.WithLatency(2*time.Millisecond))
		db := filepath.Join(t.TempDir(), "archive.db")
		killed(t, bin, db, srv, func(r *sql.DB) bool {
			return queryInt(t, r, `SELECT count(*) FROM windows WHERE pages > 1 AND finished_at IS NULL`) == 1
		}, args...)
		window, pages := partial(t, db)
		// As if the next sync came 16 minutes later: the saved token is
		// too old to send.
		w, err := sql.Open("sqlite", "file:"+db)
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().UTC().Add(-wrapper.PageTokenTTL - time.Minute).Format(time.RFC3339)
		if _, err := w.Exec(`UPDATE windows SET token_issued_at = ? WHERE token_issued_at IS NOT NULL`, old); err != nil {
			t.Fatal(err)
		}
		_ = w.Close()

		first := len(srv.Requests())
		c := newSyncCmd(bin, db, srv, args...)
		if code := c.run(t); code != 0 {
			t.Fatalf("resumed sync: exit %d, stderr %s", code, c.stderr.String())
		}
		windows, tokens := requestsSince(srv, first)
		if i := slices.Index(windows, window); i < 0 || tokens[i] {
			t.Errorf("window %s (left at page %d) resumed with its expired token, or not at all (request %d of the resumed run)", window, pages, i)
		}
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive after the resume (-want +got):\n%s", diff)
		}
		// The restarted window's first pages were written before the kill.
		m := regexp.MustCompile(`(\d+) updated, (\d+) unchanged`).FindStringSubmatch(c.stderr.String())
		if m == nil || m[1] != "0" || m[2] == "0" {
			t.Errorf("summary %q: want 0 updated and the re-read sessions unchanged", c.stderr.String())
		}
	})

	t.Run("second sync the same day", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay))
		db := filepath.Join(t.TempDir(), "archive.db")
		first := 0
		for i := range 2 {
			first = len(srv.Requests())
			c := newSyncCmd(bin, db, srv, args...)
			if code := c.run(t); code != 0 {
				t.Fatalf("sync %d: exit %d, stderr %s", i+1, code, c.stderr.String())
			}
		}
		windows, _ := requestsSince(srv, first)
		var want []string
		ws, err := wrapper.Windows(todayUTC().AddDays(-3), todayUTC().AddDays(-1))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			want = append(want, w.String())
		}
		if diff := cmp.Diff(want, slices.Compact(windows)); diff != "" {
			t.Errorf("second sync's windows (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive after two syncs (-want +got):\n%s", diff)
		}
	})

	t.Run("concurrent syncs", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay), zoomtest.WithLatency(20*time.Millisecond))
		db := filepath.Join(t.TempDir(), "archive.db")
		a := started(t, bin, db, srv, func(*sql.DB) bool { return true }, args...)
		if pid := queryInt(t, readDB(t, db), `SELECT pid FROM writer`); pid != a.Process.Pid {
			t.Fatalf("writer pid %d, want the first sync's %d", pid, a.Process.Pid)
		}
		aDone := make(chan struct{})
		go func() { _ = a.Wait(); close(aDone) }()
		b := newSyncCmd(bin, db, srv, args...)
		code := b.run(t)
		select {
		case <-aDone:
			t.Fatal("the first sync ended before the second was refused; the test proves nothing")
		default:
		}
		want := fmt.Sprintf(`^zoom-chat-sessions sync: another sync holds %s \(pid %d on [^ ]+ since [0-9TZ:-]+\); this one stops, that one goes on\n$`,
			regexp.QuoteMeta(db), a.Process.Pid)
		if code != 1 || !regexp.MustCompile(want).MatchString(b.stderr.String()) {
			t.Errorf("second sync: exit %d, stderr %q; want 1 and a line matching %s", code, b.stderr.String(), want)
		}
		<-aDone
		if code := a.ProcessState.ExitCode(); code != 0 {
			t.Fatalf("first sync: exit %d, stderr %s", code, a.stderr.String())
		}
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive (-want +got):\n%s", diff)
		}
	})

	t.Run("gap", func(t *testing.T) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(perDay))
		db := filepath.Join(t.TempDir(), "archive.db")
		// An archive whose last sync ended eight months ago.
		last := todayUTC().AddMonths(-8)
		s, err := archive.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`INSERT INTO syncs(started_at, finished_at, from_day, to_day) VALUES('2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z', ?, ?)`,
			last.AddDays(-30).String(), last.String()); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()

		c := newSyncCmd(bin, db, srv, args...)
		if code := c.run(t); code != 0 {
			t.Fatalf("exit %d, stderr %s", code, c.stderr.String())
		}
		gap := last.AddDays(1).String() + ".." + earliest().AddDays(-1).String()
		wantLine := "zoom-chat-sessions sync: days " + gap + " can no longer be fetched: the last sync ended " + last.String() +
			" and Zoom keeps six months; recorded in table gaps\n"
		if !strings.HasPrefix(c.stderr.String(), wantLine) {
			t.Errorf("stderr %q, want it to start with %q", c.stderr.String(), wantLine)
		}
		got := queryStrings(t, readDB(t, db), `SELECT from_day || '..' || to_day FROM gaps`)
		if diff := cmp.Diff([]string{gap}, got); diff != "" {
			t.Errorf("table gaps (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantIDs, archivedIDs(t, db)); diff != "" {
			t.Errorf("archive (-want +got):\n%s", diff)
		}
	})
}

// runSyncIn runs the command in-process on the tests' clock against srv
// with a static token.
func runSyncIn(srv *zoomtest.Server, args ...string) (code int, stdout, stderr *bytes.Buffer) {
	env := map[string]string{"ZOOM_BASE_URL": srv.URL(), "ZOOM_TOKEN_URL": srv.TokenURL(), "ZOOM_ACCESS_TOKEN": srv.AccessToken()}
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	code = run(context.Background(), args, &environment{getenv: func(k string) string { return env[k] }, stdout: stdout, stderr: stderr, now: clock})
	return code, stdout, stderr
}

// Bad input is refused with exit status 2 and one line, before any request.
func TestSyncUsage(t *testing.T) {
	srv, db := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithClock(clock)), filepath.Join(t.TempDir(), "archive.db")
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "zoom-chat-sessions sync: --db FILE is required: the SQLite archive to sync into\n"},
		{[]string{"--db", db, "--format", "csv"}, "zoom-chat-sessions sync: --format does not apply to sync, which writes to --db\n"},
		{[]string{"--db", db, "--overlap", "-1"}, "zoom-chat-sessions sync: --overlap -1 is out of range; give 0 to 31 days\n"},
		{[]string{"--db", db, "--bogus"}, "zoom-chat-sessions sync: unknown flag --bogus; see sync --help\n"},
		{[]string{"--db", db, "--from", "2026-05-26"}, "zoom-chat-sessions sync: archive: date range not allowed: from 2026-05-26 is more than six months ago; Zoom serves 2026-05-27 onwards\n"},
		{[]string{"--db", db, "--to", "2026-11-28"}, "zoom-chat-sessions sync: archive: date range not allowed: to 2026-11-28 is after today, 2026-11-27\n"},
	} {
		code, stdout, stderr := runSyncIn(srv, append([]string{"sync"}, tc.args...)...)
		if code != 2 || stderr.String() != tc.want || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}

// An in-process sync on the tests' clock: exact summary line, and the
// archive's rows are the fake's sessions.
func TestSyncSummary(t *testing.T) {
	srv, db := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithClock(clock)), filepath.Join(t.TempDir(), "archive.db")
	t.Cleanup(srv.Close)
	code, stdout, stderr := runSyncIn(srv, "sync", "--db", db, "--rate", "1000")
	// The fake's 20 sessions a day from 2026-05-27 to today 12:00: 184 days
	// and 10; every window fits in 3 pages of 300.
	want := "zoom-chat-sessions sync: 2026-05-27..2026-11-27 into " + db + ": 3690 added, 0 updated, 0 unchanged; 7 windows fetched (0 already done), 16 requests in 0s\n"
	if code != 0 || stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout.String(), stderr.String(), want)
	}
	if n := queryInt(t, readDB(t, db), `SELECT count(*) FROM sessions`); n != 3690 || srv.Stats().Requests != 16 {
		t.Errorf("%d rows after %d requests, want 3690 and 16", n, srv.Stats().Requests)
	}
}
