package slip

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error so that the API can map it to an HTTP status
// in one place.
type Kind string

// The kinds of domain error.
const (
	KindInvalid       Kind = "invalid"       // malformed input: HTTP 400
	KindUnprocessable Kind = "unprocessable" // well-formed but semantically wrong: HTTP 422
	KindNotFound      Kind = "not_found"     // HTTP 404
	KindConflict      Kind = "conflict"      // not allowed in the current state: HTTP 409
	KindUnavailable   Kind = "unavailable"   // a dependency is down: HTTP 503
	KindUnauthorized  Kind = "unauthorized"  // no valid identity: HTTP 401
	KindForbidden     Kind = "forbidden"     // the identity may not do this: HTTP 403
)

// Machine-readable error codes shared by the workflow, the service and the API.
const (
	CodeInvalidTransition = "invalid_transition"
	CodeInvalidField      = "invalid_field"
	CodeUnknownDepartment = "unknown_department"
	CodeDeadlinePassed    = "deadline_in_past"
	CodeNotFound          = "not_found"
	CodeIdempotencyReused = "idempotency_key_reused"
	CodeDuplicate         = "duplicate"
	CodeUnavailable       = "unavailable"

	CodeExtensionPending   = "extension_pending"      // a request is already waiting
	CodeExtensionTooLate   = "extension_too_late"     // asked after the deadline
	CodeExtensionDate      = "extension_date_invalid" // not later than the current deadline
	CodeNoPendingExtension = "no_pending_extension"   // a decision with nothing to decide
	CodeNoCalendarData     = "no_calendar_data"       // a working-day count reaches a year without holiday data
	CodeUnauthenticated    = "unauthenticated"        // no, invalid, expired or revoked credentials
	CodeForbidden          = "forbidden"              // the role or department may not do this
	CodeCSRF               = "csrf_token_invalid"     // a cookie-authenticated write without the session's CSRF token
	CodeRateLimited        = "rate_limited"           // too many writes: HTTP 429
	CodeRankingPublished   = "ranking_published"      // the month's ranking is published and frozen
	CodeDateOutOfRange     = "date_out_of_range"      // a date beyond the window a slip's deadlines may lie in
	CodeWorkflowNotRunning = "workflow_not_running"   // an open slip on the ledger whose workflow is not running
)

// Forbidden reports an action beyond the caller's rights.
func Forbidden(format string, args ...any) *Error {
	return &Error{Kind: KindForbidden, Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// Error is a domain error with a machine-readable code and a message a clerk
// can read.
type Error struct {
	Kind    Kind
	Code    string
	Field   string // the offending input field, if any
	Message string
}

// Error returns the human message, prefixed with the field when there is one.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Invalid reports a malformed field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: CodeInvalidField, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unprocessable reports input that is well-formed but cannot be accepted.
func Unprocessable(code, field, format string, args ...any) *Error {
	return &Error{Kind: KindUnprocessable, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that a thing does not exist (or must not be shown).
func NotFound(what, id string) *Error {
	return &Error{Kind: KindNotFound, Code: CodeNotFound, Message: fmt.Sprintf("%s %s 不存在", what, id)}
}

// Conflict builds the error for an action the lifecycle table refuses.
func Conflict(err *TransitionError) *Error {
	return &Error{Kind: KindConflict, Code: CodeInvalidTransition, Message: err.Error()}
}

// AsError finds a domain error in err's chain, converting a *TransitionError
// to its conflict form. It returns nil when err carries neither.
func AsError(err error) *Error {
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	var te *TransitionError
	if errors.As(err, &te) {
		return Conflict(te)
	}
	return nil
}
