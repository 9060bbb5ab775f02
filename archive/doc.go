// Package archive keeps Zoom chat-session reports in a SQLite file, past
// Zoom's six months, and syncs it incrementally and crash-safely.
//
// A [Store] is one SQLite database (pure Go, modernc.org/sqlite, in WAL mode
// so readers such as sqlite3 or BI tools can read during a sync). [Store.Start]
// takes the single-writer lock and plans a sync: from the last synced day
// minus an overlap, or from the oldest day Zoom keeps on the first sync, to
// today. [Run.Sync] then pulls the planned month windows with
// [wrapper.Client.PagesAt] and writes each page in one transaction with its
// window's checkpoint (page number, next_page_token and when it was issued).
// A sync killed at any instant resumes where its last committed page left
// off: finished windows are not fetched again, and an unfinished window
// continues from its saved next_page_token while that token is younger than
// [wrapper.PageTokenTTL]. Sessions are upserted by ID, so a session seen
// again updates its row, never adds a second one.
//
// The schema (see the README's "Archive" section) is versioned with
// PRAGMA user_version; [Open] creates or upgrades it.
package archive
