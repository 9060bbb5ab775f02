// Package wrapper is the hand-written Go client for Zoom's
// GET /report/chat/sessions ("Get chat sessions reports",
// https://developers.zoom.us/docs/api/team-chat/#tag/reports/GET/report/chat/sessions).
//
// It builds on the generated package api and adds what the bare client lacks:
// Server-to-Server OAuth with a cached token, calendar-day dates ([Date]),
// splitting a range into one-month windows, iterators that follow
// next_page_token ([Client.Sessions], [Client.Pages]), typed errors
// ([APIError] and sentinels for [errors.Is]), retries with capped jittered
// backoff that honour Retry-After, and concurrency across windows with
// output in window order.
//
// The pull engine, file by file: sessions.go (public types and iterators),
// pull.go (the window fetchers of one pull and their queues), budget.go (the
// memory budget they share), pager.go (one window's pages: token, IDs
// yielded, the bounds on a window), request.go (one attempt: pacing,
// per-attempt timeout, body cap, decoding), retry.go (every retry decision,
// in shouldRetry) and pacer.go (the client's pace).
//
// Pacing adapts to a shared budget: Zoom's per-second limits are per
// account, shared by every app of the account. The client starts at
// WithRateLimit; a per-second 429 lowers its rate to 90% of what Zoom
// accepted over the last second, a Retry-After holds back every request of
// the client, and each second without a 429 raises the rate by 5%, up to
// WithRateLimit again. Per-second 429s are retried as long as the pull gets
// pages (RetryPolicy.MaxStall); a daily limit, or a Retry-After beyond
// RetryPolicy.MaxRetryAfter, ends the pull with an error that says when.
// Requests that queue for the rate go in the order they came, except that
// the window the caller is at goes first.
//
// Bounds, whatever a server sends: a 200 body over [MaxBodyBytes] (after
// decompression) is an error; an attempt, from token to last byte, is cut
// off after WithAttemptTimeout and retried; a window's pages are bounded
// (WithMaxPages, and pages without anything new); the pages waiting for the
// caller are bounded by WithMemoryBudget.
//
// In five lines:
//
//	c, err := wrapper.New(wrapper.WithServerToServer(accountID, clientID, clientSecret))
//	if err != nil { ... }
//	for s, err := range c.Sessions(ctx, from, to) {
//		if err != nil { ... }
//		fmt.Println(s.ID, s.Name)
//	}
//
// Secrets (client secret, access tokens) never appear in errors or in the
// printed form of a [Client].
package wrapper
