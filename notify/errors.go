package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DeliveryError reports a message that was not delivered. Retryable is the
// verdict the caller acts on; the other fields say why, for the log and for
// the clerk.
type DeliveryError struct {
	Channel Channel
	// StatusCode is the HTTP status; 0 when no answer arrived.
	StatusCode int
	// ErrCode is the robot's errcode in an HTTP 200 answer; 0 otherwise.
	ErrCode int
	// Retryable says whether sending the same message again may succeed.
	Retryable bool
	// RetryAfter is the receiver's Retry-After hint (429, 503); 0 when none.
	RetryAfter time.Duration
	// Reason says in Chinese what went wrong, for the clerk.
	Reason string
	// Body is the start of the answer's body, for a debugger. Error leaves
	// it out: the error is stored where the department reads it, and a
	// receiver's answer is not ours to show.
	Body string
	// Err is the transport error when no answer, or only part of one,
	// arrived. Its URL is reduced to scheme and host: a robot URL's query is
	// its credential.
	Err error
}

// Error describes the failure and the verdict without the endpoint's URL
// or the answer's body.
func (e *DeliveryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deliver to %s: ", e.Channel)
	switch {
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.ErrCode != 0:
		fmt.Fprintf(&b, "HTTP %d errcode %d", e.StatusCode, e.ErrCode)
	default:
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	if e.Retryable {
		b.WriteString(", retryable")
		if e.RetryAfter > 0 {
			fmt.Fprintf(&b, " after %s", e.RetryAfter)
		}
	} else {
		b.WriteString(", permanent")
	}
	return b.String()
}

// Unwrap returns the transport error, if any, so that errors.Is finds
// context.DeadlineExceeded and the like.
func (e *DeliveryError) Unwrap() error { return e.Err }

// IsRetryable reports whether err carries a *DeliveryError whose Retryable is
// true. Every other error Send returns — a *ValidationError, an unknown
// channel — is a configuration or programming fault that repeating will not
// fix, and so is nil.
func IsRetryable(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Retryable
}
