package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/store"
)

// DigestRequest asks for the daily digest of one day (YYYY-MM-DD).
type DigestRequest struct {
	Date calendar.Date `json:"date"`
}

// SendDigest writes each department's daily digest to its inbox — what is
// overdue and what falls due this week (to Sunday) — and returns the
// webhook deliveries to start. A department with nothing due hears nothing.
// Repeating it for the same day writes nothing new.
func (a *Activities) SendDigest(ctx context.Context, req DigestRequest) ([]Delivery, error) {
	today := req.Date
	if today.IsZero() {
		return nil, fmt.Errorf("digest without a date")
	}
	weekEnd := today.AddDays((7 - int(today.Weekday())) % 7) // the coming Sunday, or today if Sunday
	items, err := a.Store.DigestItems(ctx, weekEnd.String())
	if err != nil {
		return nil, err
	}
	ns := composeDigests(items, today.String(), weekEnd.String(), today.At(0, 0))
	ids, err := a.Store.Notify(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("digest %s: %w", req.Date, err)
	}
	return deliveries(ids), nil
}

// composeDigests groups the items by department into one notification each.
func composeDigests(items []store.DigestItem, date, weekEnd string, at time.Time) []store.Notification {
	var out []store.Notification
	for i := 0; i < len(items); {
		dept := items[i].Department
		var overdue, due []string
		for ; i < len(items) && items[i].Department == dept; i++ {
			it := items[i]
			role := ""
			if it.Role == "co" {
				role = "（配合）"
			}
			line := fmt.Sprintf("%s %s%s，时限 %s", it.Number, it.Title, role, it.Deadline)
			if it.Deadline < date {
				overdue = append(overdue, line)
			} else {
				due = append(due, line)
			}
		}
		var b strings.Builder
		if len(overdue) > 0 {
			fmt.Fprintf(&b, "已逾期 %d 件：\n%s\n", len(overdue), strings.Join(overdue, "\n"))
		}
		if len(due) > 0 {
			fmt.Fprintf(&b, "本周（至 %s）到期 %d 件：\n%s\n", weekEnd, len(due), strings.Join(due, "\n"))
		}
		out = append(out, store.Notification{
			DedupeKey:     fmt.Sprintf("digest/%s/%s", date, dept),
			RecipientKind: store.RecipientDepartment, Recipient: dept, Kind: "digest",
			Title:     fmt.Sprintf("【督办日报】%s 逾期 %d 件，本周到期 %d 件", date, len(overdue), len(due)),
			Body:      strings.TrimSpace(b.String()),
			CreatedAt: at,
		})
	}
	return out
}
