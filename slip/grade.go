package slip

import (
	"slices"
	"strings"
)

// Grade is the office's verdict on the result when it signs a slip off
// (销号评价). Ungraded sign-offs (before grading existed, or by API
// clients that give none) have the empty grade.
type Grade string

// The grades.
const (
	GradeSatisfied   Grade = "satisfied"   // 满意
	GradeBasic       Grade = "basic"       // 基本满意
	GradeUnsatisfied Grade = "unsatisfied" // 不满意: needs a reason
)

// Grades lists every grade, best first.
var Grades = []Grade{GradeSatisfied, GradeBasic, GradeUnsatisfied}

var gradeLabels = map[Grade]string{GradeSatisfied: "满意", GradeBasic: "基本满意", GradeUnsatisfied: "不满意"}

// Valid reports whether g is a grade (the empty grade is not).
func (g Grade) Valid() bool { return slices.Contains(Grades, g) }

// Label is the grade in Chinese; "未评价" for none.
func (g Grade) Label() string {
	if l, ok := gradeLabels[g]; ok {
		return l
	}
	return "未评价"
}

// checkGrade is Validate's rule for grades: only a sign-off carries one,
// and 不满意 says why (in the comment).
func (c Command) checkGrade() error {
	if c.Grade == "" {
		return nil
	}
	if c.Action != ActionSignOff {
		return Invalid("grade", "只有销号时可以评价办理结果")
	}
	if !c.Grade.Valid() {
		return Invalid("grade", "评价只能是 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）")
	}
	if c.Grade == GradeUnsatisfied && strings.TrimSpace(c.Comment) == "" {
		return Invalid("comment", "评价为“不满意”须说明理由")
	}
	return nil
}
