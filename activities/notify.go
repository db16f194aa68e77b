package activities

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/notify"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// ErrTypePermanentDelivery is the application error type of a webhook
// failure that retrying cannot fix (a revoked robot token, a 404).
const ErrTypePermanentDelivery = "duban.PermanentDelivery"

// Notice asks to tell everyone an event concerns.
type Notice struct {
	Slip  slip.Slip  `json:"slip"`
	Event slip.Event `json:"event"`
}

// Delivery names one webhook delivery to start.
type Delivery struct {
	ID int64 `json:"id"`
}

// DeliveryFailure records that a delivery was given up.
type DeliveryFailure struct {
	ID    int64  `json:"id"`
	Error string `json:"error"`
}

// Notify writes the inbox notifications of an event (idempotently: keyed by
// slip, sequence and recipient) and returns the webhook deliveries to start.
func (a *Activities) Notify(ctx context.Context, n Notice) ([]Delivery, error) {
	notes := Compose(n.Slip, n.Event)
	if n.Event.Type == slip.ActionInstruct {
		// A 批示 on a 专班's slip reaches the 专班's member units too.
		members, err := a.Store.TaskforceMembers(ctx, n.Slip.Draft.Departments())
		if err != nil {
			return nil, fmt.Errorf("notify event %d of slip %s: %w", n.Event.Seq, n.Slip.ID, err)
		}
		notes = withMembers(notes, members)
	}
	ids, err := a.Store.Notify(ctx, notes)
	if err != nil {
		return nil, fmt.Errorf("notify event %d of slip %s: %w", n.Event.Seq, n.Slip.ID, err)
	}
	return deliveries(ids), nil
}

// withMembers adds, for each unit of a 专班 the notes went to, the same
// note to each member unit not already told (keyed like the others, so a
// retry writes none twice).
func withMembers(notes []store.Notification, members map[string][]string) []store.Notification {
	told := map[string]bool{}
	for _, n := range notes {
		if n.RecipientKind == store.RecipientDepartment {
			told[n.Recipient] = true
		}
	}
	out := notes
	for _, n := range notes {
		if n.RecipientKind != store.RecipientDepartment {
			continue
		}
		for _, m := range members[n.Recipient] {
			if told[m] {
				continue
			}
			told[m] = true
			c := n
			c.Recipient = m
			c.DedupeKey = strings.TrimSuffix(n.DedupeKey, "/"+n.Recipient) + "/" + m
			out = append(out, c)
		}
	}
	return out
}

// deliveries names the webhook deliveries Store.Notify left pending.
func deliveries(ids []int64) []Delivery {
	out := make([]Delivery, 0, len(ids))
	for _, id := range ids {
		out = append(out, Delivery{ID: id})
	}
	return out
}

// Compose writes the notifications of an event: who hears of it, and what
// they read. Reminders go to the lead department (and the co-departments
// once the deadline is near); 督办 and 通报 also go to the responsible leader
// and the office.
func Compose(s slip.Slip, e slip.Event) []store.Notification {
	type to struct{ kind, who string }
	lead := to{store.RecipientDepartment, s.Draft.LeadDepartment}
	var rcpt []to
	unit, _ := e.Payload["department"].(string)
	if unit != "" && e.Type.System() {
		// A co-unit's own clock: the reminder is that unit's.
		lead = to{store.RecipientDepartment, unit}
	}
	switch e.Type {
	case slip.EventDueReminder, slip.EventUrge:
		if unit != "" {
			rcpt = []to{lead}
			break
		}
		rcpt = []to{lead}
		for _, c := range s.Draft.CoDepartments {
			rcpt = append(rcpt, to{store.RecipientDepartment, c})
		}
	case slip.ActionInstruct:
		rcpt = []to{lead}
		for _, c := range s.Draft.CoDepartments {
			rcpt = append(rcpt, to{store.RecipientDepartment, c})
		}
	case slip.ActionPress, slip.ActionDeclineRefusal, slip.ActionWaive:
		if unit == "" {
			unit = s.Draft.LeadDepartment
		}
		rcpt = []to{{store.RecipientDepartment, unit}}
	case slip.ActionRefuse:
		rcpt = []to{{store.RecipientOffice, "office"}}
	case slip.ActionReassign:
		nu, _ := e.Payload["new_department"].(string)
		rcpt = []to{{store.RecipientDepartment, nu}}
	case slip.EventAckReminder:
		rcpt = []to{lead}
	case slip.EventSupervise, slip.EventPublicNotice:
		rcpt = []to{lead, {store.RecipientOffice, "office"}}
		if s.Draft.Leader != "" {
			rcpt = append(rcpt, to{store.RecipientLeader, s.Draft.Leader})
		}
	case slip.ActionRequestExtension:
		rcpt = []to{{store.RecipientOffice, "office"}}
	case slip.ActionDecideExtension, slip.ActionSendBack:
		rcpt = []to{lead}
	default:
		return nil
	}
	title, body := wording(s, e)
	level := intOf(e.Payload["level"])
	slipID := s.ID
	out := make([]store.Notification, 0, len(rcpt))
	for _, r := range rcpt {
		out = append(out, store.Notification{
			DedupeKey:     fmt.Sprintf("slip/%s/%d/%s/%s", s.ID, e.Seq, r.kind, r.who),
			RecipientKind: r.kind, Recipient: r.who, SlipID: &slipID,
			Kind: string(e.Type), Level: level, Title: title, Body: body, CreatedAt: e.At,
		})
	}
	return out
}

// wording is the title and body a clerk reads.
func wording(s slip.Slip, e slip.Event) (title, body string) {
	deadline := s.EffectiveDeadline()
	if d, ok := e.Payload["deadline"].(string); ok && e.Type.System() {
		if own, err := calendar.ParseDate(d); err == nil {
			deadline = own // a co-unit's own deadline
		}
	}
	title = fmt.Sprintf("【%s】%s %s", e.Type.Label(), s.Number, s.Draft.Title)
	var b strings.Builder
	switch e.Type {
	case slip.EventAckReminder:
		fmt.Fprintf(&b, "交办单 %s 已交办贵单位，至今尚未签收，请尽快签收办理。", s.Number)
	case slip.EventDueReminder:
		if deadline == calendar.DateOf(e.At) {
			fmt.Fprintf(&b, "交办单 %s 今天（%s）到期，请抓紧办结并申请销号。", s.Number, deadline)
		} else {
			fmt.Fprintf(&b, "交办单 %s 将于 %s 到期，请抓紧办理。", s.Number, deadline)
		}
	case slip.EventUrge:
		fmt.Fprintf(&b, "交办单 %s 已超过办结时限 %s，现予催办，请立即办理并报送进展。", s.Number, deadline)
	case slip.EventSupervise:
		fmt.Fprintf(&b, "交办单 %s 逾期未办结（时限 %s），现予督办，并报责任领导 %s。", s.Number, deadline, s.Draft.Leader)
	case slip.EventPublicNotice:
		fmt.Fprintf(&b, "交办单 %s 逾期未办结（时限 %s），予以通报，列入逾期事项清单。", s.Number, deadline)
	case slip.ActionRequestExtension:
		fmt.Fprintf(&b, "%s 申请将交办单 %s 的办结时限由 %s 延至 %v，理由：%v", e.Actor, s.Number, deadline, e.Payload["deadline"], e.Payload["reason"])
	case slip.ActionDecideExtension:
		if approved, _ := e.Payload["approved"].(bool); approved {
			fmt.Fprintf(&b, "延期申请已批准，交办单 %s 的办结时限调整为 %s。", s.Number, deadline)
		} else {
			fmt.Fprintf(&b, "延期申请未获批准，交办单 %s 的办结时限仍为 %s。", s.Number, deadline)
		}
	case slip.ActionSendBack:
		fmt.Fprintf(&b, "交办单 %s 复核未通过，退回重办。理由：%v。办结时限：%s。", s.Number, e.Payload["comment"], deadline)
	case slip.ActionInstruct:
		fmt.Fprintf(&b, "%s 对交办单 %s 作出批示：%v", e.Actor, s.Number, e.Payload["text"])
	case slip.ActionPress:
		fmt.Fprintf(&b, "督查室对交办单 %s 进行催办，请立即办理并报送进展。", s.Number)
		if c, ok := e.Payload["comment"].(string); ok && c != "" {
			fmt.Fprintf(&b, "%s", c)
		}
	case slip.ActionRefuse:
		fmt.Fprintf(&b, "%v 申请退回交办单 %s，理由：%v。请改派或驳回。", e.Payload["department"], s.Number, e.Payload["reason"])
	case slip.ActionDeclineRefusal:
		fmt.Fprintf(&b, "贵单位对交办单 %s 的退回申请未获同意，请签收办理。意见：%v", s.Number, e.Payload["comment"])
	case slip.ActionReassign:
		fmt.Fprintf(&b, "交办单 %s 已改派贵单位办理（原承办单位 %v），请及时签收。", s.Number, e.Payload["department"])
	case slip.ActionWaive:
		fmt.Fprintf(&b, "督查室已豁免贵单位在交办单 %s 中的协办任务。理由：%v", s.Number, e.Payload["reason"])
	}
	if c, ok := e.Payload["comment"].(string); ok && c != "" && e.Type == slip.ActionDecideExtension {
		fmt.Fprintf(&b, "意见：%s", c)
	}
	return title, b.String()
}

// intOf reads a number from a decoded payload (an int before the event
// crossed a JSON boundary, a float64 after).
func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}

// SendWebhook sends one delivery. A failure worth retrying is returned as
// is (Temporal retries with backoff); a permanent one as a non-retryable
// application error. Every attempt is counted on the delivery row.
func (a *Activities) SendWebhook(ctx context.Context, deliveryID int64) error {
	job, err := a.Store.DeliveryJob(ctx, deliveryID)
	if err != nil {
		return fmt.Errorf("send delivery %d: %w", deliveryID, err)
	}
	if job.Delivery.Status == store.DeliverySent {
		return nil
	}
	n := job.Notification
	msg := notify.Message{
		ID: fmt.Sprintf("duban-delivery-%d", job.Delivery.ID), Kind: n.Kind, Title: n.Title, Text: n.Body,
		Department: n.Recipient, Level: n.Level, At: n.CreatedAt,
	}
	if n.SlipID != nil {
		msg.SlipID = *n.SlipID
		if a.PublicURL != "" {
			// The slip's page, not the API: a clerk opens it on the phone
			// (DingTalk, WeCom) and signs in first when needed.
			msg.Link = strings.TrimRight(a.PublicURL, "/") + "/slips/" + url.PathEscape(*n.SlipID)
		}
	}
	endpoint := notify.Endpoint{Channel: notify.Channel(job.Webhook.Channel), URL: job.Webhook.URL, Secret: job.Webhook.Secret}
	sendErr := a.Sender.Send(ctx, endpoint, msg)
	status, lastErr := store.DeliverySent, ""
	if sendErr != nil {
		status, lastErr = store.DeliveryPending, sendErr.Error()
	}
	if err := a.Store.RecordDeliveryAttempt(ctx, deliveryID, status, lastErr); err != nil {
		return err
	}
	if sendErr == nil {
		return nil
	}
	if !notify.IsRetryable(sendErr) {
		return temporal.NewNonRetryableApplicationError(sendErr.Error(), ErrTypePermanentDelivery, sendErr)
	}
	var de *notify.DeliveryError
	if errors.As(sendErr, &de) && de.RetryAfter > 0 {
		return temporal.NewApplicationErrorWithOptions(sendErr.Error(), "duban.RetryableDelivery",
			temporal.ApplicationErrorOptions{NextRetryDelay: de.RetryAfter, Cause: sendErr})
	}
	return fmt.Errorf("send delivery %d: %w", deliveryID, sendErr)
}

// MarkDeliveryFailed records that a delivery was given up for good.
func (a *Activities) MarkDeliveryFailed(ctx context.Context, f DeliveryFailure) error {
	return a.Store.FailDelivery(ctx, f.ID, f.Error)
}
