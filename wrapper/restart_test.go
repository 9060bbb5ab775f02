package wrapper

// Page-token expiry: window restarts, giving up, repeated tokens.

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPageTokenExpiryRestart(t *testing.T) {
	win := "2026-04-01..2026-04-30"
	f := newFake(t).set(win, 7)
	var expired atomic.Bool
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 2 && !expired.Load() { // third page
			expired.Store(true)
			zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
			return true
		}
		return false
	})
	// After the restart Zoom's order changed: a new session #new in front.
	f.mu.Lock()
	f.order = func(window string, ids []string) []string {
		if expired.Load() {
			return append([]string{"new"}, ids...)
		}
		return ids
	}
	f.mu.Unlock()
	c, _ := f.client(t, WithPageSize(3))
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-04-01#0", "2026-04-01#1", "2026-04-01#2", "2026-04-01#3", "2026-04-01#4", "2026-04-01#5", "new", "2026-04-01#6"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	wantQ := []string{
		q("2026-04-01", "2026-04-30", 3, ""),
		q("2026-04-01", "2026-04-30", 3, tok(win, 3)),
		q("2026-04-01", "2026-04-30", 3, tok(win, 6)), // refused
		q("2026-04-01", "2026-04-30", 3, ""),          // restart: new,#0,#1 -> only "new" is new
		q("2026-04-01", "2026-04-30", 3, tok(win, 3)), // #2,#3,#4 all seen
		q("2026-04-01", "2026-04-30", 3, tok(win, 6)), // #5,#6 -> #6
	}
	if g := f.requests(); !slices.Equal(g, wantQ) {
		t.Fatalf("requests:\n got %q\nwant %q", g, wantQ)
	}
	if st := c.Stats(); st.Restarts != 1 || st.Requests != 6 || st.Sessions != 8 {
		t.Errorf("stats %+v", st)
	}
}

func TestPageTokenExpiryGivesUp(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 10)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Query().Get("next_page_token") != "" {
			zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
			return true
		}
		return false
	})
	c, _ := f.client(t, WithPageSize(5), WithMaxRestarts(2))
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.Is(err, ErrPageToken) || !strings.Contains(err.Error(), "gave up after 2 restarts in a row without progress") {
		t.Fatalf("err = %v", err)
	}
	if len(got) != 5 || len(f.requests()) != 6 || c.Stats().Restarts != 2 {
		t.Fatalf("%d sessions, %d requests, %+v", len(got), len(f.requests()), c.Stats())
	}
}

func TestRepeatedTokenIsAnError(t *testing.T) {
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Write([]byte(`{"next_page_token":"same","sessions":[{"id":"x` + fmt.Sprint(n) + `"}]}`))
		return true
	})
	c, _ := f.client(t)
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.Is(err, ErrRepeatedToken) || len(got) != 2 || len(f.requests()) != 2 {
		t.Fatalf("got %q, %d requests, err %v", got, len(f.requests()), err)
	}
}
