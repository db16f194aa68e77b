package store_test

import (
	"testing"

	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

func TestCollationIsTheDatabases(t *testing.T) {
	sqlite := storetest.Open(t, store.SQLite)
	if got, err := sqlite.Collation(t.Context()); err != nil || got != "" {
		t.Fatalf("SQLite collation = %q, %v; want none", got, err)
	}
	// C rather than the cluster's default (C.UTF-8 as .ci/postgres.sh
	// makes it), so the name read is the database's own; and not a
	// language's, which a test server need not have installed.
	pg := storetest.OpenURL(t, storetest.PostgresDatabaseWith(t, "TEMPLATE template0 LC_COLLATE 'C'"))
	got, err := pg.Collation(t.Context())
	storetest.Must(t, err)
	if got != "C" {
		t.Fatalf("collation = %q, want C", got)
	}
}

func TestSlowCollation(t *testing.T) {
	for name, slow := range map[string]bool{
		"": false, "C": false, "POSIX": false, "C.UTF-8": false, "C.utf8": false, "c.UTF8": false,
		"en_US.UTF-8": true, "en_US.utf8": true, "zh_CN.UTF-8": true, "de_DE": true, "und-x-icu": true,
	} {
		if got := store.SlowCollation(name); got != slow {
			t.Errorf("SlowCollation(%q) = %v, want %v", name, got, slow)
		}
	}
}
