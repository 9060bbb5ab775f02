package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zoomkit/chatsessions/wrapper"
)

// Run is one sync holding the archive's writer lock: [Store.Start] plans
// it, [Run.Sync] (or [Run.WritePage] for each page of Plan.Cursors) does
// it, [Run.Close] releases the lock.
type Run struct {
	// Plan is what the run fetches.
	Plan Plan

	s      *Store
	lock   *writerLock
	id     int64
	counts Counts
}

// Start takes the writer lock of the archive without waiting (a
// *LockedError if another sync holds it), plans the sync of req against the
// past syncs, records it, and records a gap if the last sync is older than
// Zoom's six months. A sync that did not finish (killed, interrupted, failed)
// is continued: the new run keeps its finished windows and checkpoints.
// Close the Run when done, whatever happens.
func (s *Store) Start(ctx context.Context, req Request) (r *Run, err error) {
	l, err := s.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.unlock(l))
		}
	}()
	st, err := s.readState(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p, err := plan(req, st, wrapper.DateOf(now.UTC()))
	if err != nil {
		return nil, err
	}
	r = &Run{Plan: p, s: s, lock: l, id: st.openID}
	if err := r.record(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// record writes the sync, its windows and its gap, and reads back the
// checkpoints of windows an interrupted sync had started.
func (r *Run) record(ctx context.Context) error {
	tx, err := r.s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: recording the sync: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	now := formatTime(r.s.now())
	p := &r.Plan
	if r.id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO syncs(started_at, from_day, to_day) VALUES(?, ?, ?)`, now, p.From.String(), p.To.String())
		if err == nil {
			r.id, err = res.LastInsertId()
		}
		if err != nil {
			return fmt.Errorf("archive: recording the sync: %w", err)
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE syncs SET from_day = ?, to_day = ? WHERE id = ?`, p.From.String(), p.To.String(), r.id); err != nil {
		return fmt.Errorf("archive: recording the sync: %w", err)
	}
	if p.Gap != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO gaps(from_day, to_day, found_at, sync_id) VALUES(?, ?, ?, ?)
			ON CONFLICT(from_day) DO UPDATE SET to_day = max(to_day, excluded.to_day)`, p.Gap.From.String(), p.Gap.To.String(), now, r.id); err != nil {
			return fmt.Errorf("archive: recording the gap: %w", err)
		}
	}
	p.Cursors = p.Cursors[:0]
	for _, w := range p.Windows {
		cur, done, err := checkpoint(ctx, tx, r.id, w)
		if err != nil {
			return err
		}
		if !done {
			p.Cursors = append(p.Cursors, cur)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: recording the sync: %w", err)
	}
	return nil
}

// checkpoint creates the row of window w of sync id if it is new, and
// returns where to start it, or done if it was finished.
func checkpoint(ctx context.Context, tx *sql.Tx, id int64, w wrapper.Window) (cur wrapper.WindowCursor, done bool, err error) {
	cur.Window = w
	from, to := w.From.String(), w.To.String()
	if _, err := tx.ExecContext(ctx, `INSERT INTO windows(sync_id, from_day, to_day) VALUES(?, ?, ?) ON CONFLICT DO NOTHING`, id, from, to); err != nil {
		return cur, false, fmt.Errorf("archive: window %s: %w", w, err)
	}
	var token, issued, finished sql.NullString
	var page int
	if err := tx.QueryRowContext(ctx, `SELECT next_page, next_page_token, token_issued_at, finished_at FROM windows WHERE sync_id = ? AND from_day = ? AND to_day = ?`,
		id, from, to).Scan(&page, &token, &issued, &finished); err != nil {
		return cur, false, fmt.Errorf("archive: window %s: %w", w, err)
	}
	if finished.Valid {
		return cur, true, nil
	}
	if token.Valid && issued.Valid {
		t, err := parseTime(issued.String)
		if err != nil {
			return cur, false, fmt.Errorf("archive: window %s: token_issued_at: %w", w, err)
		}
		cur.Token, cur.Page, cur.IssuedAt = token.String, page, t
	}
	return cur, false, nil
}

// Close releases the writer lock. A run closed before Sync finished stays
// unfinished in the archive, and the next Start continues it.
func (r *Run) Close() error {
	if r.lock == nil {
		return nil
	}
	err := r.s.unlock(r.lock)
	r.lock = nil
	return err
}
