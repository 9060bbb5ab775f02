// Package zoomtest is a fake Zoom for tests: it serves GET /v2/report/chat/sessions
// and POST /oauth/token the way Zoom does, refuses what Zoom refuses, and checks
// every request it receives and every response it sends against the OpenAPI
// contract embedded in package apiserver (generated from openapi.yaml).
//
// Start one per test:
//
//	srv := zoomtest.NewServer(zoomtest.WithT(t))
//	defer srv.Close()
//	// point the client at srv.URL() (ends in /v2) and srv.TokenURL(),
//	// or send "Authorization: Bearer "+srv.AccessToken().
//
// What the fake does, rule by rule (Zoom's status, code and message):
//
//   - Authentication: every API request needs "Authorization: Bearer <token>"
//     with a token from the token endpoint or [Fake.AccessToken]. Missing or
//     unknown → 401 {"code":124,"message":"Invalid access token."}; expired →
//     401 {"code":124,"message":"Access token is expired."}.
//   - Rate limits (after authentication, per account): see [WithRateLimit] and
//     [WithDailyLimit]; 429 with Zoom's body and X-RateLimit-* and Retry-After headers.
//   - from and to are required and must be yyyy-mm-dd; page_size must be an
//     integer 1..300 (default 30). Otherwise → 400 {"code":300,"message":"Validation Failed.",
//     "errors":[{"field":...,"message":...}]}.
//   - to before from → 400 {"code":300,"message":"The 'to' date must not be earlier than the 'from' date."}.
//   - to more than one calendar month after from (the same day of the next
//     month, or its last day: 2026-03-31 allows up to 2026-04-30) →
//     400 {"code":300,"message":"The date range must not exceed one month."}.
//   - from earlier than today minus six calendar months (UTC, on the fake's
//     clock, clamped the same way: on 2026-08-31 the oldest from is 2026-02-28) →
//     400 {"code":300,"message":"Report requested exceeds 6 month limit."}.
//     A to date in the future is accepted.
//   - next_page_token: opaque, HMAC-signed, bound to from, to and the effective
//     page_size of the request that produced it, valid for [WithPageTokenTTL]
//     (15 minutes by default) on the fake's clock. Tampered, foreign or expired →
//     400 {"code":300,"message":"The next page token is either invalid or has expired."}.
//     The last page carries "next_page_token": "". An empty next_page_token
//     parameter means the first page.
//
// The checks run in that order: authentication, rate limits, scripted faults
// that answer in Zoom's shape, parameters, then the range rules and the page token.
//
// Contract checks never change an answer: the fake always answers as Zoom
// would, and a request or response outside the spec is reported as a
// [Violation] (to the test given to [WithT], to [WithViolationFunc], and in
// [Fake.Violations]). Injected faults that are not HTTP answers Zoom's API
// would give (HTML 5xx, dropped connections, cut-off bodies) are not validated.
// [ValidatingTransport] applies the same checks on the client side.
package zoomtest
