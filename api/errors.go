package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// errorBody is the shape of every error answer:
// {"error":{"code":"invalid_transition","message":"…"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

var kindStatus = map[slip.Kind]int{
	slip.KindInvalid:       http.StatusBadRequest,
	slip.KindUnprocessable: http.StatusUnprocessableEntity,
	slip.KindNotFound:      http.StatusNotFound,
	slip.KindConflict:      http.StatusConflict,
	slip.KindUnavailable:   http.StatusServiceUnavailable,
	slip.KindUnauthorized:  http.StatusUnauthorized,
	slip.KindForbidden:     http.StatusForbidden,
}

// fail answers err as JSON: a domain error with its own status and message,
// anything else as a 500 whose detail goes to the log, not to the client.
// This is the one place errors become HTTP.
func (s *Server) fail(c *gin.Context, err error) {
	var httpErr *httpError
	var noData *calendar.NoDataError
	switch {
	case errors.As(err, &httpErr):
		s.abort(c, httpErr.status, errorDetail{Code: httpErr.code, Message: httpErr.message})
	case slip.AsError(err) == nil && errors.As(err, &noData):
		s.abort(c, http.StatusUnprocessableEntity, errorDetail{Code: slip.CodeNoCalendarData,
			Message: fmt.Sprintf("%d年节假日安排尚未载入，无法按工作日计算；请管理员载入该年安排", noData.Year)})
	case slip.AsError(err) != nil:
		de := slip.AsError(err)
		status, ok := kindStatus[de.Kind]
		if !ok {
			status = http.StatusInternalServerError
		}
		if status >= 500 {
			s.log.ErrorContext(c.Request.Context(), "request failed", "error", err, "request_id", requestID(c))
		}
		if status == http.StatusServiceUnavailable {
			// Temporal or the ledger is away, or the action is waiting for
			// the ledger: the same request (same Idempotency-Key) will get
			// the action's real outcome once it is recorded.
			c.Header("Retry-After", "5")
		}
		s.abort(c, status, errorDetail{Code: de.Code, Message: de.Message, Field: de.Field})
	case store.Unavailable(err):
		// The database is restarting or out of reach: the same request
		// will work again shortly (writes are idempotent or transactional).
		s.log.WarnContext(c.Request.Context(), "database unavailable", "error", err, "request_id", requestID(c))
		c.Header("Retry-After", "2")
		s.abort(c, http.StatusServiceUnavailable, errorDetail{Code: slip.CodeUnavailable,
			Message: "数据库暂时不可用，请稍后重试（请求编号 " + requestID(c) + "）"})
	default:
		s.log.ErrorContext(c.Request.Context(), "request failed", "error", err, "request_id", requestID(c))
		s.abort(c, http.StatusInternalServerError, errorDetail{Code: "internal", Message: "服务器内部错误，请联系管理员并提供请求编号 " + requestID(c)})
	}
}

func (s *Server) abort(c *gin.Context, status int, d errorDetail) {
	c.AbortWithStatusJSON(status, errorBody{Error: d})
}

// httpError is an error that only makes sense at the HTTP layer: a body that
// is not JSON, a missing header.
type httpError struct {
	status  int
	code    string
	message string
}

func (e *httpError) Error() string { return e.message }

func badRequest(code, message string) error {
	return &httpError{status: http.StatusBadRequest, code: code, message: message}
}
