package zoomtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/api/apiserver"
)

// Zoom's messages for the rules the fake applies (see the package doc).
const (
	msgInvalidToken = "Invalid access token."
	msgExpiredToken = "Access token is expired."
	msgValidation   = "Validation Failed."
	msgToBeforeFrom = "The 'to' date must not be earlier than the 'from' date."
	msgOverMonth    = "The date range must not exceed one month."
	msgSixMonths    = "Report requested exceeds 6 month limit."
	msgPageToken    = "The next page token is either invalid or has expired."
	msgQPS          = "You have reached the maximum per-second rate limit for this API. Try again later."
	msgDaily        = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."
)

const (
	defaultPageSize = 30
	maxPageSize     = 300
)

// reportHandler implements the generated strict server interface.
type reportHandler struct{ f *Fake }

var _ apiserver.StrictServerInterface = reportHandler{}

// ReportChatSessions answers GET /report/chat/sessions once authentication,
// rate limits and parameter binding have passed.
func (h reportHandler) ReportChatSessions(ctx context.Context, req apiserver.ReportChatSessionsRequestObject) (apiserver.ReportChatSessionsResponseObject, error) {
	p := req.Params
	tracking := func() *string {
		if id, ok := ctx.Value(trackingKey{}).(string); ok {
			return &id
		}
		return nil
	}()
	bad := func(msg string, details []api.ZoomErrorDetail) (apiserver.ReportChatSessionsResponseObject, error) {
		resp := apiserver.ReportChatSessions400JSONResponse{Body: zoomError(300, msg, details)}
		resp.Headers.XZmTrackingid = tracking
		return resp, nil
	}

	size := defaultPageSize
	if p.PageSize != nil {
		size = *p.PageSize
	}
	if size < 1 || size > maxPageSize {
		return bad(msgValidation, []api.ZoomErrorDetail{detail("page_size",
			fmt.Sprintf("must be between 1 and %d", maxPageSize))})
	}
	for _, d := range []struct {
		name string
		date openapi_types.Date
	}{{"from", p.From}, {"to", p.To}} {
		if d.date.IsZero() { // from= binds to the zero date
			return bad(msgValidation, []api.ZoomErrorDetail{detail(d.name, "must not be empty")})
		}
	}
	now := h.f.cfg.clock().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from, to := p.From.Time, p.To.Time
	switch {
	case to.Before(from):
		return bad(msgToBeforeFrom, nil)
	case to.After(addMonths(from, 1)):
		return bad(msgOverMonth, nil)
	case from.Before(addMonths(today, -6)):
		return bad(msgSixMonths, nil)
	}

	q := pageQuery{From: p.From.String(), To: p.To.String(), PageSize: size}
	offset := 0
	if p.NextPageToken != nil && *p.NextPageToken != "" {
		var err error
		if offset, err = h.f.pages.open(*p.NextPageToken, q, now); err != nil {
			return bad(msgPageToken, nil)
		}
	}
	sessions, total := h.f.data.page(from, to, now, offset, size)
	next := ""
	if end := min(offset, total) + len(sessions); end < total {
		next = h.f.pages.issue(q, end, now)
	}
	resp := apiserver.ReportChatSessions200JSONResponse{Body: api.ChatSessionsReport{
		From:          &openapi_types.Date{Time: from},
		To:            &openapi_types.Date{Time: to},
		PageSize:      &size,
		NextPageToken: &next,
		Sessions:      &sessions,
	}}
	resp.Headers.XZmTrackingid = tracking
	return resp, nil
}

// parameterError answers a query the generated code could not bind (missing
// or malformed from/to, non-integer page_size) in Zoom's shape.
func parameterError(w http.ResponseWriter, r *http.Request, err error) {
	field, msg := "", err.Error()
	var req *apiserver.RequiredParamError
	var format *apiserver.InvalidParamFormatError
	switch {
	case errors.As(err, &req):
		field, msg = req.ParamName, "must not be empty"
	case errors.As(err, &format):
		field = format.ParamName
		msg = "invalid value"
		if field == "from" || field == "to" {
			msg = "must be a date in yyyy-mm-dd format"
		} else if field == "page_size" {
			msg = "must be an integer"
		}
	}
	writeZoomError(w, r, http.StatusBadRequest, 300, msgValidation, []api.ZoomErrorDetail{detail(field, msg)})
}

func detail(field, msg string) api.ZoomErrorDetail {
	return api.ZoomErrorDetail{Field: &field, Message: &msg}
}

func zoomError(code int, msg string, details []api.ZoomErrorDetail) api.ZoomError {
	e := api.ZoomError{Code: &code, Message: &msg}
	if len(details) > 0 {
		e.Errors = &details
	}
	return e
}

// writeZoomError writes Zoom's error body with the generated response types.
func writeZoomError(w http.ResponseWriter, r *http.Request, status, code int, msg string, details []api.ZoomErrorDetail) {
	body := zoomError(code, msg, details)
	id := trackingIDFrom(r)
	var resp apiserver.ReportChatSessionsResponseObject
	switch status {
	case http.StatusBadRequest:
		x := apiserver.ReportChatSessions400JSONResponse{Body: body}
		x.Headers.XZmTrackingid = id
		resp = x
	default:
		x := apiserver.ReportChatSessionsdefaultJSONResponse{Body: body, StatusCode: status}
		x.Headers.XZmTrackingid = id
		resp = x
	}
	_ = resp.VisitReportChatSessionsResponse(w)
}

// addMonths moves t by n calendar months, keeping the day of the month but
// clamping it to the last day of the target month (March 31 + 1 → April 30),
// where time.AddDate would roll over (→ May 1).
func addMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}
