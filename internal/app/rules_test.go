package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadRulesNamesTheVariable: the zero RuleFiles are the shipped rules;
// a file that cannot be read or parsed fails the start with the name of
// the environment variable the operator set, and nothing is half-loaded.
func TestLoadRulesNamesTheVariable(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRules(RuleFiles{}, nil)
	if err != nil || r.Strict == nil || r.Lenient == nil || r.Policies.Default.BeforeDue == nil {
		t.Fatalf("shipped rules: %+v, %v", r, err)
	}
	for _, tc := range []struct {
		files RuleFiles
		want  string
	}{
		{RuleFiles{Calendars: []string{filepath.Join(dir, "missing.txt")}}, "DUBAN_CALENDAR_FILES"},
		{RuleFiles{ReminderPolicies: bad}, "DUBAN_REMINDER_POLICIES"},
		{RuleFiles{RankingWeights: bad}, "DUBAN_RANKING_WEIGHTS"},
	} {
		if _, err := LoadRules(tc.files, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming %s", tc.files, err, tc.want)
		}
	}
}
