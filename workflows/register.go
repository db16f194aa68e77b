package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/duban-gov/duban/activities"
)

// TaskQueue is the default task queue of slip workflows and their activities.
const TaskQueue = "duban-slips"

// Register puts the slip workflow and its activities on a worker.
func Register(r worker.Registry, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(SlipWorkflow, workflowRegisterOptions())
	r.RegisterWorkflowWithOptions(DeliveryWorkflow, workflow.RegisterOptions{Name: DeliveryWorkflowName})
	r.RegisterWorkflowWithOptions(DigestWorkflow, workflow.RegisterOptions{Name: DigestWorkflowName})
	r.RegisterWorkflowWithOptions(RankingWorkflow, workflow.RegisterOptions{Name: RankingWorkflowName})
	r.RegisterActivity(acts)
}

// RegisterReinspections puts the 回头看 workflow and its activities on a
// worker.
func RegisterReinspections(r worker.Registry, acts *activities.Reinspections) {
	r.RegisterWorkflowWithOptions(ReinspectionWorkflow, workflow.RegisterOptions{Name: ReinspectionWorkflowName})
	r.RegisterActivity(acts)
}

// workflowRegisterOptions registers SlipWorkflow under its stable name.
func workflowRegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: WorkflowName}
}

// RegisterProjects puts the project workflow and its activities on a
// worker.
func RegisterProjects(r worker.Registry, acts *activities.Projects) {
	r.RegisterWorkflowWithOptions(ProjectWorkflow, workflow.RegisterOptions{Name: ProjectWorkflowName})
	r.RegisterActivity(acts)
}
