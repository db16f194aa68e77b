package reminder

import "testing"

func TestSeverityOrdersRedFirst(t *testing.T) {
	order := []Colour{Red, Yellow, Green, None}
	for i := 1; i < len(order); i++ {
		if order[i-1].Severity() <= order[i].Severity() {
			t.Errorf("%q (%d) is not more urgent than %q (%d)", order[i-1], order[i-1].Severity(), order[i], order[i].Severity())
		}
	}
	if Colour("purple").Severity() != None.Severity() {
		t.Error("an unknown colour counts as more than none")
	}
}
