// Package notify turns a supervision message (未签收提醒, 到期提醒, 催办, 督办,
// 通报, digests) into a webhook request and tells the caller, precisely,
// whether a failed delivery is worth trying again.
//
// The package does not retry, sleep or log. Delivery runs inside Temporal
// activities, and Temporal owns retries and backoff; what it needs from us is
// a verdict. Every error Send returns is therefore one of:
//
//   - a *ValidationError: the endpoint or message is malformed; a clerk must
//     fix the configuration, repeating changes nothing;
//   - a *DeliveryError with Retryable true: the network, the server or a rate
//     limit got in the way; try again later, after RetryAfter when it is set;
//   - a *DeliveryError with Retryable false: the receiver refused the message
//     for a reason that repeating will not fix (a deleted robot, a signature
//     mismatch, a 4xx).
//
// An activity maps these onto Temporal like this:
//
//	err := sender.Send(ctx, endpoint, msg)
//	var de *notify.DeliveryError
//	switch {
//	case err == nil:
//	case !notify.IsRetryable(err):
//		return temporal.NewNonRetryableApplicationError(err.Error(), "notify", err)
//	case errors.As(err, &de) && de.RetryAfter > 0:
//		return temporal.NewApplicationErrorWithOptions(err.Error(), "notify",
//			temporal.ApplicationErrorOptions{NextRetryDelay: de.RetryAfter, Cause: err})
//	default:
//		return err
//	}
//
// Message.ID travels as the Idempotency-Key header so that a generic receiver
// can drop the duplicate a retry may cause. DingTalk and WeCom robots ignore
// the header: a retry after an ambiguous failure (a timeout after the platform
// had accepted the message) can show the message twice in the group. We
// accept that; a reminder shown twice is better than one lost.
package notify
