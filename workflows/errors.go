package workflows

import (
	"errors"

	"github.com/duban-gov/duban/activities"

	"go.temporal.io/sdk/temporal"

	"github.com/duban-gov/duban/slip"
)

// domainErrorType marks application errors that carry a *slip.Error across
// the Temporal boundary.
const domainErrorType = "duban.DomainError"

// wireError is how a *slip.Error travels as application-error details.
type wireError struct {
	Kind    slip.Kind `json:"kind"`
	Code    string    `json:"code"`
	Field   string    `json:"field,omitempty"`
	Message string    `json:"message"`
}

// EncodeError turns a domain error into a non-retryable Temporal application
// error that a client can decode with DecodeError. Other errors pass through.
func EncodeError(err error) error {
	de := slip.AsError(err)
	if de == nil {
		return err
	}
	return temporal.NewApplicationErrorWithOptions(de.Message, domainErrorType, temporal.ApplicationErrorOptions{
		NonRetryable: true,
		Details:      []any{wireError{Kind: de.Kind, Code: de.Code, Field: de.Field, Message: de.Message}},
	})
}

// DecodeError recovers the *slip.Error that EncodeError put into err, looking
// through whatever wrapping the client added. It returns nil if there is none.
func DecodeError(err error) *slip.Error {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != domainErrorType || !appErr.HasDetails() {
		return nil
	}
	var w wireError
	if appErr.Details(&w) != nil {
		return nil
	}
	return &slip.Error{Kind: w.Kind, Code: w.Code, Field: w.Field, Message: w.Message}
}

// errLedgerAhead refuses an action whose number the ledger already gave to
// another one: an action projected whose workflow task was then lost.
var errLedgerAhead = &slip.Error{Kind: slip.KindConflict, Code: "ledger_ahead",
	Message: "台账中有一项操作尚未同步到督办流程，暂不能办理；请稍后重试，或请督查室运行 duban reconcile --repair 核对"}

// ledgerConflict reports whether err is the ledger refusing a projection
// because it holds another action under the event's number.
func ledgerConflict(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == activities.LedgerConflictType
}
