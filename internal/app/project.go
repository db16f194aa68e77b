package app

import (
	"go.temporal.io/sdk/worker"

	"github.com/duban-gov/duban/activities"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/workflows"
)

// registerProjects puts the project workflow on w; its milestones' clocks
// plan on the same lenient calendar as slips' reminders.
func registerProjects(w worker.Worker, cfg Config) {
	workflows.RegisterProjects(w, &activities.Projects{Store: cfg.Store, Planner: &reminder.Planner{Calendar: cfg.Rules.Lenient}})
}
