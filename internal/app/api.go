package app

import (
	"context"
	"net/http"
	"time"

	"github.com/duban-gov/duban/api"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/web"
)

// NewAPI builds the HTTP handler: the JSON API under /api and the browser
// pages beside it. Until ctx ends it also watches, once a minute, for slip
// workflows that stopped without finishing their slip (a metric and an
// error log; see service.WatchFailures); with no Temporal client it only
// serves.
func NewAPI(ctx context.Context, cfg Config) http.Handler {
	log, now := cfg.log(), cfg.now()
	slips := service.New(service.Config{Store: cfg.Store, Temporal: cfg.Temporal, TaskQueue: cfg.taskQueue(),
		Calendar: cfg.Rules.Strict, Policies: cfg.Rules.Policies, DeadlineYears: cfg.Rules.DeadlineYears, RefuseWorkingDays: cfg.Rules.RefuseWorkingDays, Now: now, Log: log})
	if cfg.Temporal != nil {
		go slips.WatchFailures(ctx, time.Minute, cfg.Metrics)
	}
	blobs := cfg.Evidence
	if blobs == nil {
		blobs = cfg.Store.EvidenceBlobs()
	}
	return api.NewRouter(api.Deps{
		Evidence:         blobs,
		EvidenceMaxBytes: cfg.EvidenceMaxBytes,
		Store:            cfg.Store,
		Slips:            slips,
		Calendar:         cfg.Rules.Strict,
		DeadlineYears:    cfg.Rules.DeadlineYears,
		Colours:          cfg.Rules.Lenient,
		Metrics:          cfg.Metrics,
		RankingWeights:   cfg.Rules.Weights,
		UI:               web.Handler(log),
		WritesPerSecond:  cfg.Writes.PerSecond,
		WriteBurst:       cfg.Writes.Burst,
		TrustedProxies:   cfg.TrustedProxies,
		WebhookTargets:   cfg.WebhookTargets,
		Ready:            func(ctx context.Context) error { return slips.Ready(ctx, now()) },
		Now:              now,
		Log:              log,
		Membership:       cfg.membership(),
	})
}

// membership is cfg.Membership, or the 专班 members the ledger keeps.
func (cfg Config) membership() service.Membership {
	if cfg.Membership != nil {
		return cfg.Membership
	}
	return service.TeamOrMembers{Members: cfg.Store}
}
