package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/slip"
)

// Recipient kinds of an inbox notification.
const (
	RecipientDepartment = "department" // a department's inbox (recipient: its code)
	RecipientLeader     = "leader"     // a responsible leader's inbox (recipient: the name)
	RecipientOffice     = "office"     // the supervision office's inbox (recipient: "office")
)

// Notification is one message in an inbox.
type Notification struct {
	ID int64 `json:"id"`
	// DedupeKey makes writing it idempotent, e.g. "slip/<id>/<seq>/department/zjj".
	DedupeKey     string     `json:"-"`
	RecipientKind string     `json:"recipient_kind"`
	Recipient     string     `json:"recipient"`
	SlipID        *string    `json:"slip_id"`
	Kind          string     `json:"kind"`
	Level         int        `json:"level"`
	Title         string     `json:"title"`
	Body          string     `json:"body"`
	CreatedAt     time.Time  `json:"created_at"`
	ReadAt        *time.Time `json:"read_at"`
}

func (Notification) TableName() string { return "notifications" }

// Webhook is a department's webhook endpoint.
type Webhook struct {
	ID             int64      `json:"id"`
	DepartmentCode string     `json:"department"`
	Channel        string     `json:"channel"`
	URL            string     `json:"url"`
	Secret         string     `json:"-"`
	CreatedAt      time.Time  `json:"created_at"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
}

func (Webhook) TableName() string { return "webhooks" }

// Delivery is one notification to one webhook.
type Delivery struct {
	ID             int64     `json:"id"`
	NotificationID int64     `json:"notification_id"`
	WebhookID      int64     `json:"webhook_id"`
	Status         string    `json:"status"` // pending, sent, failed
	Attempts       int       `json:"attempts"`
	LastError      string    `json:"last_error"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func (Delivery) TableName() string { return "webhook_deliveries" }

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// Notify stores notifications (a repeat of the same DedupeKey is skipped)
// and a pending delivery for each enabled webhook of each department
// recipient. It returns the ids of the deliveries still pending, in order.
func (s *Store) Notify(ctx context.Context, ns []Notification) ([]int64, error) {
	var pending []int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := time.Now().UTC()
		for _, n := range ns {
			n.ID = 0
			n.CreatedAt = n.CreatedAt.UTC()
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(&n).Error; err != nil {
				return fmt.Errorf("insert notification %s: %w", n.DedupeKey, err)
			}
			var stored Notification
			if err := tx.Where("dedupe_key = ?", n.DedupeKey).Take(&stored).Error; err != nil {
				return fmt.Errorf("read notification %s: %w", n.DedupeKey, err)
			}
			if n.RecipientKind != RecipientDepartment {
				continue
			}
			var hooks []Webhook
			if err := tx.Where("department_code = ? AND disabled_at IS NULL", n.Recipient).Order("id").Find(&hooks).Error; err != nil {
				return fmt.Errorf("webhooks of %s: %w", n.Recipient, err)
			}
			for _, h := range hooks {
				d := Delivery{NotificationID: stored.ID, WebhookID: h.ID, Status: DeliveryPending, CreatedAt: now, UpdatedAt: now}
				if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "notification_id"}, {Name: "webhook_id"}}, DoNothing: true}).Create(&d).Error; err != nil {
					return fmt.Errorf("insert delivery: %w", err)
				}
				var got Delivery
				if err := tx.Where("notification_id = ? AND webhook_id = ?", stored.ID, h.ID).Take(&got).Error; err != nil {
					return fmt.Errorf("read delivery: %w", err)
				}
				if got.Status == DeliveryPending {
					pending = append(pending, got.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return pending, nil
}

// NotificationFilter selects an inbox.
type NotificationFilter struct {
	RecipientKind string
	Recipient     string
	UnreadOnly    bool
	SlipID        string
	Limit         int
	// SlipUnits, when not nil, keeps the notifications of slips on any of
	// these departments: a scoped office reads the office inbox of its
	// subtree only (a notification of no slip is not theirs either).
	SlipUnits []string
}

// ListNotifications returns an inbox, newest first.
func (s *Store) ListNotifications(ctx context.Context, f NotificationFilter) ([]Notification, error) {
	q := s.db.WithContext(ctx).Where("recipient_kind = ? AND recipient = ?", f.RecipientKind, f.Recipient)
	if f.UnreadOnly {
		q = q.Where("read_at IS NULL")
	}
	if f.SlipID != "" {
		q = q.Where("slip_id = ?", f.SlipID)
	}
	if f.SlipUnits != nil {
		q = q.Where(aboutUnits, f.SlipUnits)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []Notification
	if err := q.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list notifications of %s %s: %w", f.RecipientKind, f.Recipient, err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.In(calendar.Zone)
		out[i].ReadAt = inZone(out[i].ReadAt)
	}
	return out, nil
}

// MarkNotificationRead marks one notification of the given inbox read; a
// notification of another inbox is not found. Marking twice is fine.
func (s *Store) MarkNotificationRead(ctx context.Context, id int64, recipientKind, recipient string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&Notification{}).
		Where("id = ? AND recipient_kind = ? AND recipient = ?", id, recipientKind, recipient).
		Update("read_at", gorm.Expr("COALESCE(read_at, ?)", at.UTC()))
	if res.Error != nil {
		return fmt.Errorf("mark notification %d read: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return slip.NotFound("通知", fmt.Sprint(id))
	}
	return nil
}

// CreateWebhook adds a webhook to a department.
func (s *Store) CreateWebhook(ctx context.Context, h Webhook) (Webhook, error) {
	missing, err := s.MissingDepartments(ctx, []string{h.DepartmentCode})
	if err != nil {
		return Webhook{}, err
	}
	if len(missing) > 0 {
		return Webhook{}, slip.NotFound("单位", h.DepartmentCode)
	}
	h.ID = 0
	h.CreatedAt = time.Now().UTC()
	if err := s.db.WithContext(ctx).Create(&h).Error; err != nil {
		return Webhook{}, fmt.Errorf("create webhook for %s: %w", h.DepartmentCode, err)
	}
	return h, nil
}

// ListWebhooks returns a department's enabled webhooks.
func (s *Store) ListWebhooks(ctx context.Context, department string) ([]Webhook, error) {
	var out []Webhook
	if err := s.db.WithContext(ctx).Where("department_code = ? AND disabled_at IS NULL", department).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list webhooks of %s: %w", department, err)
	}
	return out, nil
}

// DisableWebhook stops deliveries to a webhook; past deliveries stay.
func (s *Store) DisableWebhook(ctx context.Context, department string, id int64) error {
	res := s.db.WithContext(ctx).Model(&Webhook{}).Where("id = ? AND department_code = ? AND disabled_at IS NULL", id, department).
		Update("disabled_at", time.Now().UTC())
	if res.Error != nil {
		return fmt.Errorf("disable webhook %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return slip.NotFound("Webhook", fmt.Sprint(id))
	}
	return nil
}

// DeliveryJob is what sending one delivery needs.
type DeliveryJob struct {
	Delivery     Delivery
	Webhook      Webhook
	Notification Notification
}

// DeliveryJob loads a delivery with its webhook and notification.
func (s *Store) DeliveryJob(ctx context.Context, id int64) (DeliveryJob, error) {
	var j DeliveryJob
	db := s.db.WithContext(ctx)
	if err := db.Take(&j.Delivery, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return j, slip.NotFound("投递", fmt.Sprint(id))
		}
		return j, fmt.Errorf("load delivery %d: %w", id, err)
	}
	if err := db.Take(&j.Webhook, j.Delivery.WebhookID).Error; err != nil {
		return j, fmt.Errorf("load webhook of delivery %d: %w", id, err)
	}
	if err := db.Take(&j.Notification, j.Delivery.NotificationID).Error; err != nil {
		return j, fmt.Errorf("load notification of delivery %d: %w", id, err)
	}
	return j, nil
}

// RecordDeliveryAttempt counts an attempt and sets the delivery's status
// and last error. A delivery already sent stays sent.
func (s *Store) RecordDeliveryAttempt(ctx context.Context, id int64, status, lastError string) error {
	if len(lastError) > 2000 {
		lastError = lastError[:2000]
	}
	res := s.db.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status <> ?", id, DeliverySent).Updates(map[string]any{
		"status": status, "attempts": gorm.Expr("attempts + 1"), "last_error": lastError, "updated_at": time.Now().UTC(),
	})
	if res.Error != nil {
		return fmt.Errorf("record attempt of delivery %d: %w", id, res.Error)
	}
	return nil
}

// ListDeliveries returns the deliveries of a department's webhooks, newest first.
func (s *Store) ListDeliveries(ctx context.Context, department string, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []Delivery
	err := s.db.WithContext(ctx).
		Where("webhook_id IN (?)", s.db.Model(&Webhook{}).Select("id").Where("department_code = ?", department)).
		Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list deliveries of %s: %w", department, err)
	}
	for i := range out {
		out[i].LastError = publicError(out[i].LastError)
	}
	return out, nil
}

// FailDelivery marks a delivery given up for good. The last attempt's
// error stays as the delivery's last error; reason — the workflow's account,
// which wraps it in Temporal's words and names the worker process (pid@host)
// — is only for the worker's log and is not stored, because the department
// reads last_error. A delivery no attempt recorded an error for gets
// deliveryGaveUp. A delivery already sent stays sent.
func (s *Store) FailDelivery(ctx context.Context, id int64, reason string) error {
	updates := map[string]any{"status": DeliveryFailed, "updated_at": time.Now().UTC(),
		"last_error": gorm.Expr("CASE WHEN last_error = '' THEN ? ELSE last_error END", deliveryGaveUp)}
	if err := s.db.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status <> ?", id, DeliverySent).Updates(updates).Error; err != nil {
		return fmt.Errorf("fail delivery %d: %w", id, err)
	}
	return nil
}

// deliveryGaveUp is the last error of a delivery given up before any
// attempt could say why.
const deliveryGaveUp = "多次尝试均未送达，已停止重试"

// Older versions stored a receiver's answer ("; body: …") and the Temporal
// wrapping with the worker's identity in last_error; publicError removes
// both from rows written then, so a department never reads them.
var (
	bodyPart     = regexp.MustCompile(`; body: .*$`)
	activityPart = regexp.MustCompile(`activity error \([^)]*\): `)
)

func publicError(s string) string {
	return activityPart.ReplaceAllString(bodyPart.ReplaceAllString(s, ""), "")
}

// NotificationOnUnits reports whether notification id is about a slip on
// any of units: whether a scoped office may mark it read.
func (s *Store) NotificationOnUnits(ctx context.Context, id int64, units []string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).
		Where("id = ?", id).Where(aboutUnits, units).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("notification %d on units: %w", id, err)
	}
	return n > 0, nil
}
