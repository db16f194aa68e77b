package activities

import (
	"context"
	"fmt"

	"github.com/duban-gov/duban/reinspection"
	"github.com/duban-gov/duban/store"
)

// ReworkIssuer issues the rework slip (重办) of a failed 回头看 through the
// ordinary issue path; service.Reinspections is the one in production.
// Issuing the same re-inspection's rework again returns the same slip.
type ReworkIssuer interface {
	IssueRework(ctx context.Context, r reinspection.Reinspection) (slipID string, err error)
}

// Reinspections are the 回头看 workflow's activities: its projection into
// the ledger, its inbox messages and the rework slip of a failure.
type Reinspections struct {
	Store  *store.Store
	Rework ReworkIssuer
}

// ProjectReinspection writes the re-inspection's state to the ledger
// (idempotent, forward only).
func (a *Reinspections) ProjectReinspection(ctx context.Context, r reinspection.Reinspection) error {
	return a.Store.ProjectReinspection(ctx, r)
}

// NotifyReinspection tells the office (and, of a failure, the lead
// department) what happened to a re-inspection at its current Seq.
func (a *Reinspections) NotifyReinspection(ctx context.Context, r reinspection.Reinspection) error {
	type to struct{ kind, who string }
	office := to{store.RecipientOffice, "office"}
	var (
		rcpt        []to
		title, body string
	)
	switch {
	case r.Status == reinspection.StatusAssigned && r.EscalationLevel == reinspection.LevelNone:
		rcpt, title = []to{office}, "回头看开始："+r.SlipNumber
		body = fmt.Sprintf("%s（%s）的回头看已派给 %s，%s 前完成检查。", r.SlipNumber, r.SlipTitle, r.InspectorName, r.DueOn)
	case r.Status == reinspection.StatusAssigned:
		label := map[int]string{reinspection.LevelUrge: "催办", reinspection.LevelSupervise: "督办", reinspection.LevelNotice: "通报"}[r.EscalationLevel]
		rcpt, title = []to{office}, "回头看逾期"+label+"："+r.SlipNumber
		body = fmt.Sprintf("%s 的回头看（检查人 %s）已过 %s 仍未记录结果。", r.SlipNumber, r.InspectorName, r.DueOn)
	case r.Status == reinspection.StatusFailed:
		rcpt, title = []to{office, {store.RecipientDepartment, r.LeadDepartment}}, "回头看不合格："+r.SlipNumber
		body = fmt.Sprintf("%s（%s）回头看不合格：%s", r.SlipNumber, r.SlipTitle, r.Notes)
		if r.ReworkSlipID != "" {
			body += "。已生成重办单。"
		}
	case r.Status == reinspection.StatusPassed:
		rcpt, title = []to{office}, "回头看合格："+r.SlipNumber
		body = fmt.Sprintf("%s（%s）回头看合格。", r.SlipNumber, r.SlipTitle)
	default:
		return nil
	}
	slipID := r.SlipID
	ns := make([]store.Notification, 0, len(rcpt))
	for _, t := range rcpt {
		ns = append(ns, store.Notification{DedupeKey: fmt.Sprintf("reinspection/%s/%d/%s/%s", r.ID, r.Seq, t.kind, t.who),
			RecipientKind: t.kind, Recipient: t.who, SlipID: &slipID, Kind: "reinspection_" + string(r.Status),
			Level: r.EscalationLevel, Title: title, Body: body, CreatedAt: r.UpdatedAt})
	}
	if _, err := a.Store.Notify(ctx, ns); err != nil {
		return fmt.Errorf("notify reinspection %s: %w", r.ID, err)
	}
	return nil
}

// IssueReworkSlip opens the rework slip of a failed re-inspection.
func (a *Reinspections) IssueReworkSlip(ctx context.Context, r reinspection.Reinspection) (string, error) {
	id, err := a.Rework.IssueRework(ctx, r)
	if err != nil {
		return "", fmt.Errorf("issue rework of reinspection %s: %w", r.ID, err)
	}
	return id, nil
}
