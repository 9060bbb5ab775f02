package wrapper

// Requests on the wire: their exact sequence, the fewest of them, and what is refused before any.

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExactRequestSequence(t *testing.T) {
	f := newFake(t)
	f.set("2026-01-15..2026-01-31", 601).set("2026-02-01..2026-02-28", 0).set("2026-03-01..2026-03-02", 300)
	c, _ := f.client(t)
	got, err := collect(t, c, "2026-01-15", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(ids("2026-01-15..2026-01-31", 601), ids("2026-02-01..2026-02-28", 0)...), ids("2026-03-01..2026-03-02", 300)...)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d sessions, want %d (first diff matters)", len(got), len(want))
	}
	jan := "2026-01-15..2026-01-31"
	wantQ := []string{
		q("2026-01-15", "2026-01-31", 300, ""),
		q("2026-01-15", "2026-01-31", 300, tok(jan, 300)),
		q("2026-01-15", "2026-01-31", 300, tok(jan, 600)),
		q("2026-02-01", "2026-02-28", 300, ""),
		q("2026-03-01", "2026-03-02", 300, ""),
	}
	if g := f.requests(); !slices.Equal(g, wantQ) {
		t.Fatalf("requests:\n got %q\nwant %q", g, wantQ)
	}
	st := c.Stats()
	if st != (Stats{Windows: 3, Pages: 5, Sessions: 901, Requests: 5, Rate: inf, Covered: 47 * 24 * time.Hour}) {
		t.Errorf("stats = %+v", st)
	}
	for _, a := range f.authHeaders() {
		if a != "Bearer static-token-XYZ" {
			t.Fatalf("Authorization = %q", a)
		}
	}
}

func TestPageSizeAndMinimumRequests(t *testing.T) {
	for _, c := range []struct{ n, ps, want int }{{0, 300, 1}, {1, 300, 1}, {300, 300, 1}, {301, 300, 2}, {900, 300, 3}, {7, 3, 3}, {5, 1, 5}} {
		f := newFake(t).set("2026-04-01..2026-04-30", c.n)
		cl, _ := f.client(t, WithPageSize(c.ps))
		got, err := collect(t, cl, "2026-04-01", "2026-04-30")
		if err != nil || len(got) != c.n || len(f.requests()) != c.want {
			t.Errorf("n=%d ps=%d: %d sessions, %d requests, err %v; want %d requests", c.n, c.ps, len(got), len(f.requests()), err, c.want)
		}
		if r := f.requests(); !strings.Contains(r[0], fmt.Sprintf("page_size=%d", c.ps)) {
			t.Errorf("query %q", r[0])
		}
	}
}

func TestRefusedBeforeAnyRequest(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	for _, tc := range []struct {
		from, to Date
		is       error
		msg      string
	}{
		{Date{2026, 2, 30}, d("2026-03-01"), ErrInvalidDate, "invalid date"},
		{d("2026-03-02"), d("2026-03-01"), ErrRange, "from 2026-03-02 is after to 2026-03-01"},
		{d("2025-11-26"), d("2025-12-01"), ErrRange, "six-month limit"},
	} {
		var err error
		for _, e := range c.Sessions(t.Context(), tc.from, tc.to) {
			err = e
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v..%v: err = %v", tc.from, tc.to, err)
		}
	}
	for _, n := range []int{0, 301, -1} {
		if _, err := New(WithToken("x"), WithPageSize(n)); err == nil || !strings.Contains(err.Error(), "outside 1..300") {
			t.Errorf("page size %d: %v", n, err)
		}
	}
	if _, err := New(); err == nil {
		t.Error("New without credentials succeeded")
	}
	if _, err := New(WithToken("a"), WithServerToServer("a", "b", "c")); err == nil {
		t.Error("two credentials accepted")
	}
	if len(f.requests()) != 0 {
		t.Fatalf("requests sent: %q", f.requests())
	}
}

func TestZoomRangeAnswerIsErrRange(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 5)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		zoomErr(w, 400, 300, "Report requested exceeds 6 month limit")
		return true
	})
	c, _ := f.client(t)
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	var ae *APIError
	if !errors.Is(err, ErrRange) || errors.Is(err, ErrPageToken) || !errors.As(err, &ae) || ae.TrackingID != "trk-0" {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests()) != 1 {
		t.Fatalf("requests %d", len(f.requests()))
	}
}
