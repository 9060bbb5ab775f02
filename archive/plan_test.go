package archive

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/wrapper"
)

func d(t *testing.T, s string) wrapper.Date {
	t.Helper()
	if s == "" {
		return wrapper.Date{}
	}
	v, err := wrapper.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// plan's range, gap and refusals, with today 2026-11-27 (the oldest day
// Zoom serves: 2026-05-27).
func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		from, to                  string // request
		overlap                   int
		lastDay, openFrom         string // state; openFrom "" means no unfinished sync
		wantFrom, wantTo, wantGap string
		wantErr                   bool
	}{
		{name: "first sync", wantFrom: "2026-05-27", wantTo: "2026-11-27"},
		{name: "incremental", overlap: 2, lastDay: "2026-11-26", wantFrom: "2026-11-24", wantTo: "2026-11-27"},
		{name: "no overlap", lastDay: "2026-11-26", wantFrom: "2026-11-26", wantTo: "2026-11-27"},
		{name: "resume a backfill", openFrom: "2026-05-26", wantFrom: "2026-05-27", wantTo: "2026-11-27"},
		{name: "resume after an incremental", overlap: 2, lastDay: "2026-11-20", openFrom: "2026-11-10", wantFrom: "2026-11-10", wantTo: "2026-11-27"},
		{name: "explicit range", from: "2026-07-01", to: "2026-07-31", lastDay: "2026-11-26", wantFrom: "2026-07-01", wantTo: "2026-07-31"},
		{name: "gap", overlap: 2, lastDay: "2026-03-31", wantFrom: "2026-05-27", wantTo: "2026-11-27", wantGap: "2026-04-01..2026-05-26"},
		{name: "last day just in range", overlap: 2, lastDay: "2026-05-26", wantFrom: "2026-05-27", wantTo: "2026-11-27"},
		{name: "from too old", from: "2026-05-26", wantErr: true},
		{name: "to in the future", to: "2026-11-28", wantErr: true},
		{name: "to before the continuation", overlap: 2, to: "2026-10-31", lastDay: "2026-11-26", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := state{lastDay: d(t, tc.lastDay), openFrom: d(t, tc.openFrom)}
			if tc.openFrom != "" {
				st.openID = 1
			}
			p, err := plan(Request{From: d(t, tc.from), To: d(t, tc.to), Overlap: tc.overlap}, st, d(t, "2026-11-27"))
			if tc.wantErr {
				if !errors.Is(err, wrapper.ErrRange) {
					t.Fatalf("err %v, want one matching wrapper.ErrRange", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gap := ""
			if p.Gap != nil {
				gap = p.Gap.String()
			}
			got := []string{p.From.String(), p.To.String(), gap}
			if diff := cmp.Diff([]string{tc.wantFrom, tc.wantTo, tc.wantGap}, got); diff != "" {
				t.Errorf("from, to, gap (-want +got):\n%s", diff)
			}
			if p.Resumed != (tc.openFrom != "") {
				t.Errorf("resumed %v", p.Resumed)
			}
		})
	}
}
