package store_test

import (
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// keywordIDs lists the ids of the slips f finds, newest first, over all
// pages, after checking the page's count says how many up to the keyword
// limit.
func keywordIDs(t *testing.T, st *store.Store, f store.Filter, limit int64) []string {
	t.Helper()
	var ids []string
	for _, s := range listAll(t, st, f) {
		ids = append(ids, s.ID)
	}
	page, err := st.ListSlips(ctx, f)
	require.NoError(t, err)
	assert.Equal(t, min(int64(len(ids)), limit), page.Total, "count of %+v", f)
	assert.Equal(t, int64(len(ids)) > limit, page.TotalCapped, "count of %+v capped", f)
	return ids
}

// TestDepartmentKeywordFollowsAssignments: a keyword search on a unit's
// ledger (VisibleTo, the office's department filter, a one-unit scope) finds a slip on
// every unit it is on, lead or co-unit, and on no other; after a 改派 the
// replaced co-unit no longer finds it by keyword and the new one does. On
// PostgreSQL the unit is narrowed by the keyword index's unit terms
// (slips.units, kept by a trigger on slip_departments); both dialects must
// answer alike, whether the count is capped (pages walk the order) or not
// (the index narrows first).
func TestDepartmentKeywordFollowsAssignments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj", "jtj", "wjj")
		issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
		refuseBy := calendar.MustParseDate("2026-10-13")
		issue := func(id, title, content, lead string, co ...string) slip.Slip {
			sl := newSlip(id, issued, lead, co...)
			sl.Draft.Title, sl.Draft.Content = title, content
			sl.Tracks = slip.NewTracks(sl.Draft, issued, refuseBy)
			sl.StartIssued()
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
			return sl
		}
		a := issue("a", "老旧小区加装电梯", "三个小区", "zjj", "jtj")
		issue("b", "既有住宅加装电梯", "试点", "fgw")
		issue("c", "道路扬尘整治", "工地围挡", "zjj", "jtj")
		issue("d", "公共设施维保", "全市电梯年检", "jtj", "zjj")

		// want maps unit → keyword → the ids its ledger finds, newest first.
		check := func(t *testing.T, want map[string]map[string][]string) {
			t.Helper()
			for unit, byQuery := range want {
				for q, ids := range byQuery {
					for _, limit := range []int64{1, store.MaxKeywordCount} {
						store.SetKeywordCountLimit(t, limit)
						for _, f := range []store.Filter{{VisibleTo: unit, Query: q}, {Department: unit, Query: q}, {VisibleUnits: []string{unit}, Query: q}} {
							assert.Equal(t, ids, keywordIDs(t, st, f, limit), "%s searching %s (limit %d, %+v)", unit, q, limit, f)
						}
					}
				}
			}
			assert.Empty(t, store.UnitsOutOfStep(t, st), "slips whose units differ from slip_departments")
		}
		check(t, map[string]map[string][]string{
			"zjj": {"电梯": {"d", "a"}, "加装电梯": {"a"}, "扬尘": {"c"}},
			"jtj": {"电梯": {"d", "a"}, "加装电梯": {"a"}},
			"fgw": {"电梯": {"b"}, "加装电梯": {"b"}, "扬尘": nil},
			"wjj": {"电梯": nil, "加装电梯": nil},
		})

		// 改派: jtj's part of a goes to wjj.
		apply(t, st, &a, slip.Command{Action: slip.ActionReassign, Actor: "督查室", ActorRole: slip.RoleOffice,
			Deadline:    calendar.MustParseDate("2026-12-10"),
			TrackFields: slip.TrackFields{Department: "jtj", NewDepartment: "wjj", RefuseBy: calendar.MustParseDate("2026-10-16")}},
			issued.Add(time.Hour))
		require.Equal(t, []string{"wjj"}, a.Draft.CoDepartments)
		check(t, map[string]map[string][]string{
			"zjj": {"电梯": {"d", "a"}, "加装电梯": {"a"}},
			"jtj": {"电梯": {"d"}, "加装电梯": nil},
			"wjj": {"电梯": {"a"}, "加装电梯": {"a"}, "扬尘": nil},
		})

		// The units column only narrows: a slip whose column wrongly names
		// a unit still does not show on that unit's ledger.
		store.SetUnits(t, st, "b", "fgw", "wjj")
		for _, limit := range []int64{1, store.MaxKeywordCount} {
			store.SetKeywordCountLimit(t, limit)
			assert.Equal(t, []string{"a"}, keywordIDs(t, st, store.Filter{VisibleTo: "wjj", Query: "电梯"}, limit))
		}
	})
}

// TestOneCharacterKeyword: a keyword of one character finds exactly the slips
// whose title or content has it — at the start of the title, at its end
// beside the blank that joins the content, only in the content, in a
// one-character title with no content, a capital letter by its small one —
// office-wide and on a unit's ledger, counted capped or not, the character
// taken as common or as rare (so too a few longer keywords, which take the
// same two ways across the ledger). On PostgreSQL the keyword index narrows a
// rare character by the pairs holding it (keyword_pairs, migration 0130): a character
// first seen in a new slip, or in a title corrected by hand, must be found at
// once.
func TestOneCharacterKeyword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "fgw", "zjj")
		issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
		leads := map[string]string{}
		issue := func(id, title, content, lead string) {
			leads[id] = lead
			sl := newSlip(id, issued, lead)
			sl.Draft.Title, sl.Draft.Content = title, content
			sl.StartIssued()
			_, err := st.RecordIssued(ctx, sl)
			require.NoError(t, err)
		}
		issue("a", "河道清淤", "东岸", "zjj")
		issue("b", "修桥", "补路", "fgw")
		issue("c", "电梯年检", "抽查Q号", "zjj")
		issue("d", "鬯", "", "fgw")
		issue("e", "ABC", "河", "zjj")
		issue("f", "100%完成", "5_6", "zjj")

		check := func(t *testing.T, want map[string][]string) {
			t.Helper()
			for q, ids := range want {
				for _, c := range []struct {
					limit int64
					share float64 // 0: every keyword common, 1: none
				}{{1, 0}, {1, 1}, {store.MaxKeywordCount, 0}, {store.MaxKeywordCount, 1}} {
					limit := c.limit
					store.SetKeywordCountLimit(t, limit)
					store.SetCommonKeywordShare(t, c.share)
					assert.Equal(t, ids, keywordIDs(t, st, store.Filter{Query: q}, limit), "office searching %q (limit %d)", q, limit)
					var exported []string
					require.NoError(t, st.EachSlip(ctx, store.Filter{Query: q}, 0, func(s slip.Slip) error {
						exported = append(exported, s.ID)
						return nil
					}))
					assert.Equal(t, ids, exported, "office exporting %q (share %v)", q, c.share)
					var zjj []string
					for _, id := range ids {
						if leads[id] == "zjj" {
							zjj = append(zjj, id)
						}
					}
					for _, f := range []store.Filter{{VisibleTo: "zjj", Query: q}, {Department: "zjj", Query: q}, {VisibleUnits: []string{"zjj"}, Query: q}} {
						assert.Equal(t, zjj, keywordIDs(t, st, f, limit), "zjj searching %q (limit %d, %+v)", q, limit, f)
					}
				}
			}
		}
		check(t, map[string][]string{
			"河": {"e", "a"}, "桥": {"b"}, "补": {"b"}, "q": {"c"}, "Q": {"c"}, "a": {"e"},
			"鬯": {"d"}, "%": {"f"}, "_": {"f"}, "龘": nil,
			// Longer keywords take the same two ways across the ledger.
			"河道": {"a"}, "检抽": nil, "0%": {"f"}, "5_6": {"f"},
			"年检 抽": nil, // title and content are searched each on its own
		})

		// A character no slip had before, in a new slip and by hand.
		issue("g", "龘", "", "zjj")
		store.SetTitle(t, st, "b", "修桥龖")
		check(t, map[string][]string{"龘": {"g"}, "龖": {"b"}, "桥": {"b"}})
	})
}

// TestDepartmentKeywordOnSeededLedger: on a seeded ledger (written by the
// bulk import, as `duban seed` does), every unit's keyword search finds
// exactly the slips on that unit whose title or content has the keyword;
// and so it does after migrations 0100 and 0130 run over those slips, as on
// a ledger upgraded to them (PostgreSQL: 0100 fills slips.units from
// slip_departments, 0130 keyword_pairs from the slips' text).
func TestDepartmentKeywordOnSeededLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := seed.Run(ctx, st, seedOptions(300, 10, 11))
		require.NoError(t, err)
		everything := listAll(t, st, store.Filter{})
		t.Run("seeded", func(t *testing.T) { checkUnitKeywords(t, st, everything) })
		store.UndoKeywordUnits(t, st)
		store.UndoKeywordPairs(t, st)
		require.NoError(t, st.Migrate(ctx))
		t.Run("migrated-over", func(t *testing.T) { checkUnitKeywords(t, st, everything) })
	})
}

// checkUnitKeywords checks every unit's keyword searches against what
// everything (the whole ledger) says they should find, and that slips.units
// is in step with slip_departments.
func checkUnitKeywords(t *testing.T, st *store.Store, everything []slip.Slip) {
	require.Empty(t, store.UnitsOutOfStep(t, st), "slips whose units differ from slip_departments")
	units := map[string]bool{}
	for _, s := range everything {
		for _, u := range s.Draft.Departments() {
			units[u] = true
		}
	}
	require.NotEmpty(t, units)
	for _, unit := range slices.Sorted(maps.Keys(units)) {
		for _, q := range []string{"电梯", "小区", "老旧小区改造", "纺织厂", "无此关键词", "梯", "河", "桥", "改", "鬯"} {
			var want []string
			for _, s := range everything {
				has := strings.Contains(strings.ToLower(s.Draft.Title), q) || strings.Contains(strings.ToLower(s.Draft.Content), q)
				if has && slices.Contains(s.Draft.Departments(), unit) {
					want = append(want, s.ID)
				}
			}
			for _, limit := range []int64{3, store.MaxKeywordCount} {
				t.Run(fmt.Sprintf("%s-%s-limit-%d", unit, q, limit), func(t *testing.T) {
					store.SetKeywordCountLimit(t, limit)
					assert.Equal(t, want, keywordIDs(t, st, store.Filter{VisibleTo: unit, Query: q}, limit))
				})
			}
		}
	}
}

// TestNewKeywordPairsInCrossingTransactions (PostgreSQL): two transactions
// that each add a slip with a pair new to the ledger, and then a slip with
// the other's new pair, both commit — keyword_pairs has no unique key for
// the second to wait on, so they cannot deadlock (the seeder's concurrent
// imports did, with one) — and every character is found afterwards.
func TestNewKeywordPairsInCrossingTransactions(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	st := storetest.OpenURL(t, url)
	db := storetest.OpenRaw(t, url)
	seedDepartments(t, st, "zjj")
	sl := newSlip("base", time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone), "zjj")
	sl.StartIssued()
	_, err := st.RecordIssued(ctx, sl)
	require.NoError(t, err)

	insert := func(tx *sql.Tx, id, title string, serial int) error {
		_, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS copy_of_slip AS SELECT * FROM slips WITH NO DATA;
			DELETE FROM copy_of_slip`)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO copy_of_slip SELECT * FROM slips WHERE id = 'base'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE copy_of_slip SET id = $1, title = $2, serial = $3, number = $1`, id, title, serial); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO slips SELECT * FROM copy_of_slip`)
		return err
	}
	a, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer a.Rollback()
	b, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer b.Rollback()
	require.NoError(t, insert(a, "a1", "龘龖", 101))
	require.NoError(t, insert(b, "b1", "鱻麤", 102))
	done := make(chan error, 1)
	go func() { done <- insert(a, "a2", "鱻麤", 103) }()
	require.NoError(t, insert(b, "b2", "龘龖", 104))
	require.NoError(t, <-done)
	require.NoError(t, a.Commit())
	require.NoError(t, b.Commit())

	store.SetCommonKeywordShare(t, 1) // every keyword rare: the index narrows
	for q, want := range map[string][]string{"龘": {"b2", "a1"}, "麤": {"b1", "a2"}, "龘龖": {"b2", "a1"}} {
		var got []string
		for _, s := range listAll(t, st, store.Filter{Query: q}) {
			got = append(got, s.ID)
		}
		assert.Equal(t, want, got, "searching %q", q)
	}
}

// TestKeywordIndexBuildsWithoutASearchPath: pg_dump's restore runs with an
// empty search_path, and under it the keyword index must build and its
// terms be the same. Before migration 0190, CREATE INDEX failed there
// ("function duban_bigrams(text) does not exist") and a restored ledger had
// no keyword index.
func TestKeywordIndexBuildsWithoutASearchPath(t *testing.T) {
	url := storetest.PostgresDatabase(t)
	st := storetest.OpenURL(t, url)
	seedDepartments(t, st, "zjj")
	sl := newSlip("a", time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone), "zjj")
	sl.Draft.Title, sl.Draft.Content = "河道清淤", "东岸"
	sl.StartIssued()
	_, err := st.RecordIssued(ctx, sl)
	require.NoError(t, err)

	conn, err := storetest.OpenRaw(t, url).Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	var schema string
	require.NoError(t, conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema))
	_, err = conn.ExecContext(ctx, `SELECT pg_catalog.set_config('search_path', '', false)`) // as pg_dump's output does
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX restored_keyword_idx ON %[1]s.slips USING gin (%[1]s.duban_keyword_terms(lower(title || ' ' || content), units))`, schema))
	require.NoError(t, err, "build the keyword index as a restore does")
	var terms string
	require.NoError(t, conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s.duban_keyword_terms('河道', ARRAY['zjj'])::text`, schema)).Scan(&terms))
	assert.Equal(t, "{河道,unit:zjj}", terms)
}
