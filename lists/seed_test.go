package lists_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/scoring"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

var ctx = context.Background()

type place struct {
	Member string
	Rank   int
	Score  float64
}

func places(es []lists.Entry) []place {
	out := []place{}
	for _, e := range es {
		out = append(out, place{e.Member, e.Rank, e.Score})
	}
	return out
}

func members(es []lists.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Member)
	}
	return out
}

// TestSeedListsPublishWithExactRanks: the three seed lists, modelled with
// the seed's indicators, targets and November values on a real ledger, the
// city list's slip component from a real slip, the office's 加分/扣分, are
// published for November with exact ranks — two ties among them — and then
// stay frozen: a later value or adjustment is refused and the snapshot does
// not move.
func TestSeedListsPublishWithExactRanks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		at := time.Date(2026, 11, 3, 9, 0, 0, 0, calendar.Zone)
		for _, d := range []slip.Department{{Code: "fgw", Name: "市发展和改革委员会"}, {Code: "zjj", Name: "市住房和城乡建设局"}, {Code: "jtj", Name: "市交通运输局"}} {
			_, err := st.CreateDepartment(ctx, d)
			require.NoError(t, err)
		}
		require.NoError(t, seed.LoadIndicators(ctx, st, at))
		// 交通局 has one slip, signed for on time and overdue since 10-23:
		// closure 0, acknowledgement 100, overdue 80, 回退率 0 (its one part
		// received, none refused: 100) → (0 + 10×100 + 10×80 + 10×100) / 70 = 40.
		issued := time.Date(2026, 10, 9, 9, 0, 0, 0, calendar.Zone)
		sl := slip.Slip{ID: "jtj-1", Draft: slip.Draft{Title: "事项", Content: "内容", Source: "擂台", Batch: "十月擂台", Category: "交通",
			Priority: slip.PriorityNormal, LeadDepartment: "jtj", Leader: "李副市长", Deadline: calendar.MustParseDate("2026-10-23")},
			Deadline: calendar.MustParseDate("2026-10-23"), IssuedAt: issued, IssuedBy: "督查室", Status: slip.StatusIssued, Seq: 1, UpdatedAt: issued}
		_, err := st.RecordIssued(ctx, sl)
		require.NoError(t, err)
		ev, err := sl.Apply(slip.Command{Action: slip.ActionAcknowledge, Actor: "办事员"}, issued.Add(time.Hour))
		require.NoError(t, err)
		require.NoError(t, st.Project(ctx, sl, ev))

		for _, a := range []lists.Adjustment{
			{List: seed.ProvinceList, Month: seed.SeedMonth, Member: "dongtou", Points: -2, Reason: "信息报送迟报"},
			{List: seed.ProvinceList, Month: seed.SeedMonth, Member: "ouhai", Points: 1.5, Reason: "获省级表彰"},
			{List: seed.DistrictList, Month: seed.SeedMonth, Member: "zeya", Points: 1, Reason: "防汛防台表现突出"},
		} {
			_, err := st.AddListAdjustment(ctx, a, at)
			require.NoError(t, err)
		}
		_, err = st.AddListAdjustment(ctx, lists.Adjustment{List: seed.ProvinceList, Month: seed.SeedMonth, Member: "fgw", Points: 1, Reason: "x"}, at)
		assert.Equal(t, "unknown_member", slip.AsError(err).Code, "a department not on the 省考 list")

		dec1 := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Zone)
		slips := ranking.SlipScores(st, ranking.DefaultWeights(), func() time.Time { return dec1 })
		_, err = lists.Publish(ctx, st, slips, seed.CityList, seed.SeedMonth, "督查室", time.Date(2026, 11, 30, 18, 0, 0, 0, calendar.Zone))
		assert.Equal(t, "month_not_ended", slip.AsError(err).Code)

		for _, code := range []string{seed.ProvinceList, seed.CityList, seed.DistrictList} {
			ok, err := lists.Publish(ctx, st, slips, code, seed.SeedMonth, "督查室", dec1)
			require.NoError(t, err, code)
			assert.True(t, ok, code)
		}

		prov, err := lists.Get(ctx, st, slips, seed.ProvinceList, seed.SeedMonth)
		require.NoError(t, err)
		assert.Equal(t, lists.SourceSnapshot, prov.Source)
		require.Len(t, prov.Groups, 1)
		// 鹿城 and 乐清 meet every target: tied first; 瑞安 95% of GDP growth:
		// 40×95 + 30×100 + 30×100 = 98; 龙湾 90/90/100 → 93; 瓯海 80/75/80 →
		// 78.5 + 1.5; 洞头 half of each → 50 − 2.
		assert.Equal(t, []place{{"lucheng", 1, 100}, {"yueqing", 1, 100}, {"ruian", 3, 98}, {"longwan", 4, 93},
			{"ouhai", 5, 80}, {"dongtou", 6, 48}}, places(prov.Groups[0].Entries))
		assert.Equal(t, []string{"lucheng", "yueqing"}, members(prov.Groups[0].RedList))
		assert.Equal(t, []string{"ouhai", "dongtou"}, members(prov.Groups[0].BlackList))

		city, err := lists.Get(ctx, st, slips, seed.CityList, seed.SeedMonth)
		require.NoError(t, err)
		// 发改委: 121 of the 110 due by November (capped 100), 18 days for 20
		// (100), no slips to judge → (4000 + 3000) / 70 = 100. 住建局: 99/110 =
		// 90, 20 days → (3600 + 3000) / 70 = 94.29. 交通局: 110/110, 20/25 = 80,
		// slips 40 → (4000 + 2400 + 1200) / 100 = 76.
		assert.Equal(t, []place{{"fgw", 1, 100}, {"zjj", 2, 94.29}, {"jtj", 3, 76}}, places(city.Groups[0].Entries))
		assert.Nil(t, city.Groups[0].Entries[0].Parts[2], "发改委 has no slip data")
		assert.Equal(t, 40.0, *city.Groups[0].Entries[2].Parts[2])
		assert.Equal(t, []string{"fgw"}, members(city.Groups[0].RedList))
		assert.Equal(t, []string{"jtj"}, members(city.Groups[0].BlackList))

		dist, err := lists.Get(ctx, st, slips, seed.DistrictList, seed.SeedMonth)
		require.NoError(t, err)
		require.Len(t, dist.Groups, 2)
		assert.Equal(t, "街道", dist.Groups[0].Name)
		assert.Equal(t, []place{{"wuma", 1, 100}, {"songtai", 2, 98.5}, {"nanhui", 3, 95}}, places(dist.Groups[0].Entries))
		assert.Equal(t, "乡镇", dist.Groups[1].Name)
		// 泽雅 90 + 1 ties 藤桥 at 91 (ties in the list's order); 郭溪 reported nothing: 暂无数据.
		assert.Equal(t, []place{{"zeya", 1, 91}, {"tengqiao", 1, 91}, {"guoxi", 0, 0}}, places(dist.Groups[1].Entries))
		assert.True(t, dist.Groups[1].Entries[2].NoData)
		assert.Equal(t, []string{"zeya", "tengqiao"}, members(dist.Groups[1].RedList), "the tie goes on the 红榜 together")
		assert.Empty(t, dist.Groups[1].BlackList, "nobody below the tie; 暂无数据 is never on the 黑榜")

		// Frozen: no value, correction or adjustment for November any more.
		_, err = st.ReportValue(ctx, indicator.Value{Indicator: "gdp-growth", Unit: "dongtou", Month: seed.SeedMonth, Value: 9, ReportedBy: "x", ReportedAt: dec1})
		assert.Equal(t, lists.CodeListPublished, slip.AsError(err).Code)
		_, err = st.AddListAdjustment(ctx, lists.Adjustment{List: seed.ProvinceList, Month: seed.SeedMonth, Member: "dongtou", Points: 5, Reason: "补"}, dec1)
		assert.Equal(t, lists.CodeListPublished, slip.AsError(err).Code)
		again, err := lists.Publish(ctx, st, slips, seed.ProvinceList, seed.SeedMonth, "督查室", dec1.Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, again, "the first publication stands")
		after, err := lists.Get(ctx, st, slips, seed.ProvinceList, seed.SeedMonth)
		require.NoError(t, err)
		assert.Equal(t, prov, after)
	})
}

// TestSeedVillageSheet: 上潮村's 15+X sheet (疫情防控 9.88, "一户多宅"清理整治
// 9.75, 村集体增收 5.5, …) totals exactly 97.27 out of 100 and ranks second
// with 岙外村, behind 黄坑村 and ahead of 寨寮溪村; 西岸村, not scored, is last.
func TestSeedVillageSheet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		at := time.Date(2026, 12, 2, 9, 0, 0, 0, calendar.Zone)
		require.NoError(t, seed.LoadIndicators(ctx, st, at))
		sheet, name, err := st.Sheet(ctx, seed.VillageGroup, seed.SeedMonth)
		require.NoError(t, err)
		assert.Equal(t, "泽雅镇各村", name)
		r := scoring.Rank(sheet)
		assert.Equal(t, "100.00", r.Max.String())
		require.Len(t, r.Tasks, 17)
		fixed := 0
		for _, task := range r.Tasks {
			if task.Fixed {
				fixed++
			}
		}
		assert.Equal(t, 15, fixed, "the fixed fifteen, plus X = 2")
		type line struct {
			Member string
			Rank   int
			Total  string
		}
		var got []line
		for _, row := range r.Rows {
			got = append(got, line{row.Member, row.Rank, row.Total.String()})
		}
		assert.Equal(t, []line{{"huangkeng", 1, "98.10"}, {"shangchao", 2, "97.27"}, {"aowai", 2, "97.27"},
			{"zhailiaoxi", 4, "95.40"}, {"xian", 0, "0.00"}}, got)
		assert.True(t, r.Rows[4].NoData)
		assert.Equal(t, []string{"9.88", "9.75", "5.50"}, []string{r.Rows[1].Scores[0].String(), r.Rows[1].Scores[1].String(), r.Rows[1].Scores[2].String()})

		err = st.SetScores(ctx, seed.VillageGroup, seed.SeedMonth, "xian", append(make([]scoring.Points, 16), 501), "x", at)
		assert.Equal(t, scoring.CodeScoreAboveMax, slip.AsError(err).Code, "5.01 on a task of 5")
		err = st.SetScores(ctx, seed.VillageGroup, seed.SeedMonth, "nowhere", make([]scoring.Points, 17), "x", at)
		assert.Equal(t, "unknown_member", slip.AsError(err).Code)
		again, _, err := st.Sheet(ctx, seed.VillageGroup, seed.SeedMonth)
		require.NoError(t, err)
		assert.Equal(t, sheet, again, "a refused score changes nothing")
		months, err := st.SheetMonths(ctx, seed.VillageGroup)
		require.NoError(t, err)
		assert.Equal(t, []string{seed.SeedMonth}, months)
	})
}
