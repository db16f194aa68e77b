package app

import (
	"go.temporal.io/sdk/worker"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/service"
	"github.com/duban-gov/duban/workflows"
)

// registerReinspections puts the 回头看 workflow on w; its rework slips are
// issued through the same service the API uses.
func registerReinspections(w worker.Worker, cfg Config) {
	issuer := service.New(service.Config{Store: cfg.Store, Temporal: cfg.Temporal, TaskQueue: cfg.taskQueue(),
		Calendar: cfg.Rules.Strict, Policies: cfg.Rules.Policies, DeadlineYears: cfg.Rules.DeadlineYears, Now: cfg.now(), Log: cfg.log()})
	workflows.RegisterReinspections(w, &activities.Reinspections{Store: cfg.Store, Rework: issuer})
}
