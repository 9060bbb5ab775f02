package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/zoomkit/chatsessions/wrapper"
)

// Counts are rows written, by what happened to them.
type Counts struct {
	Added     int64 // sessions not in the archive before
	Updated   int64 // sessions whose fields or raw object changed
	Unchanged int64 // sessions seen again as they were (last seen updated)
	NoID      int64 // sessions without an id, which cannot be kept
}

func (c *Counts) add(d Counts) {
	c.Added += d.Added
	c.Updated += d.Updated
	c.Unchanged += d.Unchanged
	c.NoID += d.NoID
}

// Counts returns what the run has written so far.
func (r *Run) Counts() Counts { return r.counts }

// WritePage writes p's sessions and its window's checkpoint in one
// transaction: after a crash either both are in the archive or neither is.
// Each session is upserted by id: a new one is added, one seen before has
// its fields, raw object and last-seen time and window replaced. p must
// come from one of r.Plan's windows, in order.
func (r *Run) WritePage(ctx context.Context, p *wrapper.Page) (Counts, error) {
	var c Counts
	if r.lock == nil {
		return c, fmt.Errorf("archive: window %s, page %d: the run is closed", p.Window, p.Number)
	}
	tx, err := r.s.db.BeginTx(ctx, nil)
	if err != nil {
		return c, fmt.Errorf("archive: window %s, page %d: %w", p.Window, p.Number, err)
	}
	defer func() { _ = tx.Rollback() }()
	now := formatTime(r.s.now())
	if c, err = upsert(ctx, tx, p, now); err != nil {
		return Counts{}, fmt.Errorf("archive: window %s, page %d: %w", p.Window, p.Number, err)
	}
	var token, issued, finished any // NULL unless set
	if p.Last() {
		finished = now
	} else {
		token, issued = p.NextPageToken, formatTime(p.Received)
	}
	res, err := tx.ExecContext(ctx, `UPDATE windows SET pages = pages + 1, next_page = ?, next_page_token = ?, token_issued_at = ?, finished_at = ?
		WHERE sync_id = ? AND from_day = ? AND to_day = ?`,
		p.Number+1, token, issued, finished, r.id, p.Window.From.String(), p.Window.To.String())
	if err == nil {
		if n, _ := res.RowsAffected(); n != 1 {
			err = fmt.Errorf("window not in the run's plan (%d rows)", n)
		}
	}
	if err != nil {
		return Counts{}, fmt.Errorf("archive: window %s, page %d: checkpoint: %w", p.Window, p.Number, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE syncs SET added = added + ?, updated = updated + ?, unchanged = unchanged + ? WHERE id = ?`,
		c.Added, c.Updated, c.Unchanged, r.id); err != nil {
		return Counts{}, fmt.Errorf("archive: window %s, page %d: %w", p.Window, p.Number, err)
	}
	if err := tx.Commit(); err != nil {
		return Counts{}, fmt.Errorf("archive: window %s, page %d: commit: %w", p.Window, p.Number, err)
	}
	r.counts.add(c)
	return c, nil
}

// Statements of upsert, each taking the session's columns (in the order of
// columns) then id, now and the window. A new id is inserted; for a known
// one, compareSQL says whether the stored row equals the session, then
// updateSQL (changed) or touchSQL (unchanged) writes it.
const (
	insertSQL = `INSERT INTO sessions(type, name, channel_id, member_emails, status, has_external_member,
		last_message_sent_time, raw, id, first_seen_at, first_seen_window, last_seen_at, last_seen_window)
		VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11) ON CONFLICT(id) DO NOTHING`
	compareSQL = `SELECT type IS ?1 AND name IS ?2 AND channel_id IS ?3 AND member_emails IS ?4 AND status IS ?5
		AND has_external_member = ?6 AND last_message_sent_time IS ?7 AND raw IS ?8 FROM sessions WHERE id = ?9`
	updateSQL = `UPDATE sessions SET type = ?1, name = ?2, channel_id = ?3, member_emails = ?4, status = ?5,
		has_external_member = ?6, last_message_sent_time = ?7, raw = ?8, last_seen_at = ?10, last_seen_window = ?11 WHERE id = ?9`
	touchSQL = `UPDATE sessions SET last_seen_at = ?10, last_seen_window = ?11 WHERE id = ?9`
)

// upsert writes the sessions of p and counts them. Inserting first makes a
// backfill, where every id is new, one statement a session.
func upsert(ctx context.Context, tx *sql.Tx, p *wrapper.Page, now string) (Counts, error) {
	var c Counts
	if len(p.Sessions) == 0 {
		return c, nil
	}
	var stmts [4]*sql.Stmt
	for i, q := range []string{insertSQL, compareSQL, updateSQL, touchSQL} {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return c, err
		}
		defer st.Close()
		stmts[i] = st
	}
	ins, cmp, upd, touch := stmts[0], stmts[1], stmts[2], stmts[3]
	window := p.Window.String()
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.ID == "" {
			c.NoID++
			continue
		}
		args, err := columns(s)
		if err != nil {
			return c, fmt.Errorf("session %s: %w", s.ID, err)
		}
		args = append(args, s.ID, now, window)
		res, err := ins.ExecContext(ctx, args...)
		if err != nil {
			return c, fmt.Errorf("session %s: %w", s.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			c.Added++
			continue
		}
		var same bool
		if err := cmp.QueryRowContext(ctx, args[:9]...).Scan(&same); err != nil {
			return c, fmt.Errorf("session %s: %w", s.ID, err)
		}
		st := upd
		if same {
			st, c.Unchanged = touch, c.Unchanged+1
		} else {
			c.Updated++
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return c, fmt.Errorf("session %s: %w", s.ID, err)
		}
	}
	return c, nil
}

// columns are the session's values for type, name, channel_id,
// member_emails, status, has_external_member, last_message_sent_time and raw:
// NULL for what Zoom left out.
func columns(s *wrapper.Session) ([]any, error) {
	var emails, lastMsg, raw any
	if len(s.MemberEmails) > 0 {
		b, err := json.Marshal(s.MemberEmails)
		if err != nil {
			return nil, err
		}
		emails = string(b)
	}
	if !s.LastMessageSentTime.IsZero() {
		lastMsg = formatTime(s.LastMessageSentTime)
	}
	if len(s.Raw) > 0 {
		raw = string(s.Raw)
	}
	ext := 0
	if s.HasExternalMember {
		ext = 1
	}
	return []any{nullIfEmpty(string(s.Type)), nullIfEmpty(s.Name), nullIfEmpty(s.ChannelID), emails,
		nullIfEmpty(string(s.Status)), ext, lastMsg, raw}, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
