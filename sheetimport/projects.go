package sheetimport

// The columns of a project list (重点项目清单): one row per milestone (节点),
// the project's own columns repeated or left blank under its first row.
const (
	FieldProject        Field = "project"         // 项目名称
	FieldBatch          Field = "batch"           // 批次
	FieldOwner          Field = "owner"           // 责任单位（或专班）
	FieldInvestment     Field = "investment"      // 总投资（万元）
	FieldEndDate        Field = "end_date"        // 计划完成时间 of the project
	FieldMilestone      Field = "milestone"       // 节点
	FieldMilestoneOwner Field = "milestone_owner" // 节点责任单位
	FieldPlanned        Field = "planned"         // 节点计划时间
)

// ProjectSchema is a project list: a header names at least the project and
// its owner unit. Without 节点 columns each project's milestones are
// planned backwards from its end date by its category's template.
var ProjectSchema = Schema{
	Synonyms: map[Field][]string{
		FieldProject:        {"项目名称", "重点项目", "重点工作", "项目"},
		FieldCategory:       {"项目类别", "类别", "分类"},
		FieldBatch:          {"批次", "所属批次"},
		FieldOwner:          {"责任单位", "牵头单位", "责任专班", "专班", "主办单位"},
		FieldLeader:         {"责任领导", "分管领导", "牵头领导"},
		FieldInvestment:     {"总投资", "计划投资", "投资额", "投资"},
		FieldEndDate:        {"项目完成时间", "计划完成时间", "完成时间", "竣工时间", "完成日期"},
		FieldMilestone:      {"节点名称", "节点", "里程碑"},
		FieldMilestoneOwner: {"节点责任单位", "节点单位"},
		FieldPlanned:        {"节点计划时间", "节点时间", "节点日期", "计划时间"},
	},
	Required: []Field{FieldProject, FieldOwner},
	Needs:    "“项目名称”和“责任单位”两列",
	Noun:     "项目",
}
