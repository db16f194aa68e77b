package stats

// Quality counts how well a department's signed-off work held: the
// office's grades at 销号 and the results of 回头看.
type Quality struct {
	Satisfied       int64 `json:"satisfied"`        // 满意
	Basic           int64 `json:"basic"`            // 基本满意
	Unsatisfied     int64 `json:"unsatisfied"`      // 不满意
	ReinspectPassed int64 `json:"reinspect_passed"` // 回头看合格
	ReinspectFailed int64 `json:"reinspect_failed"` // 回头看不合格 (a rework slip was opened)
}

// Marks of each grade and result in the quality score (0–100).
const (
	MarkSatisfied = 100
	MarkBasic     = 80
)

// Score is the mean mark of q's grades and 回头看 results (满意 and 合格
// 100, 基本满意 80, 不满意 and 不合格 0), and false when there is none.
func (q Quality) Score() (float64, bool) {
	n := q.Satisfied + q.Basic + q.Unsatisfied + q.ReinspectPassed + q.ReinspectFailed
	if n == 0 {
		return 0, false
	}
	return float64(MarkSatisfied*(q.Satisfied+q.ReinspectPassed)+MarkBasic*q.Basic) / float64(n), true
}
