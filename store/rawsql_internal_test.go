package store

import (
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

// TestRawColumnsCoverTheModels: the statements written by hand for the
// projection (rawsql.go) name every column of their model, in its order —
// a field added to eventRow, trackRow or statsRow fails here until the
// statement writes it too.
func TestRawColumnsCoverTheModels(t *testing.T) {
	for _, c := range []struct {
		model any
		cols  string
	}{
		{&eventRow{}, eventColumns},
		{&trackRow{}, trackInsertColumns},
		{&statsRow{}, statsKeyColumns + "," + strings.Join(statsCounters, ",")},
	} {
		sch, err := schema.Parse(c.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Join(sch.DBNames, ","); c.cols != want {
			t.Errorf("%s: the statement writes\n  %s\nthe model has\n  %s", sch.Table, c.cols, want)
		}
	}
	all := strings.Join(slipColumnNames(), ",")
	for _, c := range strings.Split(projectedColumns, ",") {
		if !strings.Contains(","+all+",", ","+c+",") {
			t.Errorf("the projection reads %s, which slipRow does not hold", c)
		}
	}
	if n := len(strings.Split(projectedColumns, ",")); n != len(slipColumnNames())-3 {
		t.Errorf("the projection reads %d of slipRow's %d columns, want all but title, content and policy", n, len(slipColumnNames()))
	}
}
