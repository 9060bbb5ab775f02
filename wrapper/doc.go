// Package wrapper is the hand-written Go client for Zoom's
// GET /report/chat/sessions ("Get chat sessions reports",
// https://developers.zoom.us/docs/api/team-chat/#tag/reports/GET/report/chat/sessions).
//
// It builds on the generated package api and adds what the bare client lacks:
// Server-to-Server OAuth with a cached token, calendar-day dates ([Date]),
// splitting a range into one-month windows, iterators that follow
// next_page_token ([Client.Sessions], [Client.Pages]), typed errors
// ([APIError] and sentinels for [errors.Is]), retries with capped jittered
// backoff that honour Retry-After, one client-side rate limiter and bounded
// concurrency across windows.
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
