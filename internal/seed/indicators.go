package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/duban-gov/duban/indicator"
	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/scoring"
	"github.com/duban-gov/duban/store"
)

// The 晒比 seed: key indicators with 2026 targets and the values reported
// for November 2026, the three monthly lists (省考排行榜, 市考排行榜,
// 区级综合评价榜) and a town's 三考三比 sheet of its villages ("15+X").
// Tests rank them exactly; `duban dev` loads them for the demo.

// SeedMonth is the month the seed reports values and scores for.
const SeedMonth = "2026-11"

// The seed's list codes.
const (
	ProvinceList = "province"      // 省考排行榜: the districts on the province's indicators
	CityList     = "city"          // 市考排行榜: the city's departments
	DistrictList = "district-eval" // 区级综合评价榜: the streets and towns, in two groups
)

// VillageGroup is the group code of the seed's village sheet (泽雅镇's villages).
const VillageGroup = "zeya-villages"

// Indicators are the seed's key indicators.
func Indicators() []indicator.Indicator {
	districts := []string{"lucheng", "longwan", "ouhai", "dongtou", "ruian", "yueqing"}
	towns := []string{"wuma", "nanhui", "songtai", "zeya", "tengqiao", "guoxi"}
	return []indicator.Indicator{
		{Code: "gdp-growth", Name: "地区生产总值增速", Unit: "%", Direction: indicator.Higher, Departments: districts, Leader: "市长", Lists: []string{ProvinceList}, Ratio: true},
		{Code: "invest-growth", Name: "固定资产投资增速", Unit: "%", Direction: indicator.Higher, Departments: districts, Leader: "常务副市长", Lists: []string{ProvinceList}, Ratio: true},
		{Code: "revenue-growth", Name: "一般公共预算收入增速", Unit: "%", Direction: indicator.Higher, Departments: districts, Leader: "常务副市长", Lists: []string{ProvinceList}, Ratio: true},
		{Code: "key-projects", Name: "重大项目年度投资", Unit: "亿元", Direction: indicator.Higher, Departments: []string{"fgw", "zjj", "jtj"}, Leader: "常务副市长", Lists: []string{CityList}, Cumulative: true},
		{Code: "approval-days", Name: "项目审批平均用时", Unit: "天", Direction: indicator.Lower, Departments: []string{"fgw", "zjj", "jtj"}, Leader: "分管副市长", Lists: []string{CityList}},
		{Code: "village-income", Name: "村集体经济增收", Unit: "万元", Direction: indicator.Higher, Departments: towns, Leader: "分管副区长", Lists: []string{DistrictList}, Cumulative: true},
		{Code: "petition-resolution", Name: "信访积案化解率", Unit: "%", Direction: indicator.Higher, Departments: towns, Leader: "政法委书记", Lists: []string{DistrictList}, Ratio: true},
		{Code: "safety-accidents", Name: "安全生产事故数", Unit: "起", Direction: indicator.Lower, Departments: towns, Leader: "分管副区长", Lists: []string{DistrictList}, Cumulative: true},
	}
}

// Targets are the seed's 2026 targets (year targets; cumulative ones are
// due in proportion: 11/12 by November).
func Targets() []indicator.Target {
	return []indicator.Target{
		{Indicator: "gdp-growth", Period: "2026", Value: 6},
		{Indicator: "invest-growth", Period: "2026", Value: 8},
		{Indicator: "revenue-growth", Period: "2026", Value: 5},
		{Indicator: "key-projects", Period: "2026", Value: 120},
		{Indicator: "approval-days", Period: "2026", Value: 20},
		{Indicator: "village-income", Period: "2026", Value: 600},
		{Indicator: "petition-resolution", Period: "2026", Value: 90},
		{Indicator: "safety-accidents", Period: "2026", Value: 12},
	}
}

// Values are the values the units reported for SeedMonth: indicator →
// unit → value. 五马 and 郭溪 are missing on purpose where noted.
func Values() map[string]map[string]float64 {
	return map[string]map[string]float64{
		"gdp-growth":     {"lucheng": 6.6, "yueqing": 6.0, "ruian": 5.7, "longwan": 5.4, "ouhai": 4.8, "dongtou": 3.0},
		"invest-growth":  {"lucheng": 8.8, "yueqing": 8.0, "ruian": 8.0, "longwan": 7.2, "ouhai": 6.0, "dongtou": 4.0},
		"revenue-growth": {"lucheng": 5.5, "yueqing": 5.0, "ruian": 5.0, "longwan": 5.0, "ouhai": 4.0, "dongtou": 2.5},
		"key-projects":   {"fgw": 121, "zjj": 99, "jtj": 110},
		"approval-days":  {"fgw": 18, "zjj": 20, "jtj": 25},
		// 郭溪镇 (guoxi) reported nothing: 暂无数据.
		"village-income":      {"wuma": 550, "nanhui": 495, "songtai": 605, "zeya": 440, "tengqiao": 484},
		"petition-resolution": {"wuma": 95, "nanhui": 90, "songtai": 85.5, "zeya": 90, "tengqiao": 81},
		"safety-accidents":    {"wuma": 9, "nanhui": 11, "songtai": 11, "zeya": 0, "tengqiao": 11},
	}
}

// Lists are the three seed lists.
func Lists() []lists.List {
	return []lists.List{
		{Code: ProvinceList, Name: "省考排行榜", MemberKind: lists.Districts, BoardSize: 2,
			Members: []lists.Member{{Code: "lucheng", Name: "鹿城区"}, {Code: "longwan", Name: "龙湾区"}, {Code: "ouhai", Name: "瓯海区"},
				{Code: "dongtou", Name: "洞头区"}, {Code: "ruian", Name: "瑞安市"}, {Code: "yueqing", Name: "乐清市"}},
			Components: []lists.Component{
				{Kind: lists.FromIndicator, Indicator: "gdp-growth", Name: "地区生产总值增速", Weight: 40},
				{Kind: lists.FromIndicator, Indicator: "invest-growth", Name: "固定资产投资增速", Weight: 30},
				{Kind: lists.FromIndicator, Indicator: "revenue-growth", Name: "一般公共预算收入增速", Weight: 30}}},
		{Code: CityList, Name: "市考排行榜", MemberKind: lists.Departments, BoardSize: 1,
			Members: []lists.Member{{Code: "fgw", Name: "市发展和改革委员会"}, {Code: "zjj", Name: "市住房和城乡建设局"}, {Code: "jtj", Name: "市交通运输局"}},
			Components: []lists.Component{
				{Kind: lists.FromIndicator, Indicator: "key-projects", Name: "重大项目年度投资", Weight: 40},
				{Kind: lists.FromIndicator, Indicator: "approval-days", Name: "项目审批平均用时", Weight: 30},
				{Kind: lists.FromSlips, Name: "督办件办理", Weight: 30}}},
		{Code: DistrictList, Name: "区级综合评价榜", MemberKind: lists.Districts, BoardSize: 1,
			Members: []lists.Member{{Code: "wuma", Name: "五马街道", Group: "街道"}, {Code: "nanhui", Name: "南汇街道", Group: "街道"},
				{Code: "songtai", Name: "松台街道", Group: "街道"}, {Code: "zeya", Name: "泽雅镇", Group: "乡镇"},
				{Code: "tengqiao", Name: "藤桥镇", Group: "乡镇"}, {Code: "guoxi", Name: "郭溪镇", Group: "乡镇"}},
			Components: []lists.Component{
				{Kind: lists.FromIndicator, Indicator: "village-income", Name: "村集体经济增收", Weight: 50},
				{Kind: lists.FromIndicator, Indicator: "petition-resolution", Name: "信访积案化解率", Weight: 30},
				{Kind: lists.FromIndicator, Indicator: "safety-accidents", Name: "安全生产事故数", Weight: 20}}},
	}
}

// VillageTasks are the seed sheet's tasks: the fixed fifteen (90 points)
// and November's two X tasks (10 points).
func VillageTasks() []scoring.Task {
	t := func(name string, max scoring.Points, fixed bool) scoring.Task {
		return scoring.Task{Name: name, Max: max, Fixed: fixed}
	}
	return []scoring.Task{
		t("疫情防控", 1000, true), t("\"一户多宅\"清理整治", 1000, true), t("村集体增收", 600, true), t("平安建设", 800, true),
		t("信访维稳", 800, true), t("安全生产", 800, true), t("生态环境保护", 600, true), t("垃圾分类", 500, true),
		t("美丽乡村建设", 500, true), t("基层党建", 600, true), t("\"三资\"管理", 400, true), t("农房安全", 400, true),
		t("防汛防台", 400, true), t("民生实事", 300, true), t("文明创建", 300, true),
		t("共同富裕试点", 500, false), t("项目攻坚", 500, false),
	}
}

// VillageMembers are the villages on the seed sheet.
func VillageMembers() []scoring.Member {
	return []scoring.Member{{Code: "shangchao", Name: "上潮村"}, {Code: "aowai", Name: "岙外村"},
		{Code: "zhailiaoxi", Name: "寨寮溪村"}, {Code: "huangkeng", Name: "黄坑村"}, {Code: "xian", Name: "西岸村"}}
}

// VillageScores are the villages' November scores, task by task. 上潮村's
// are the seed's: 疫情防控 9.88, "一户多宅"清理整治 9.75, 村集体增收 5.5, …,
// total 97.27; 岙外村 swaps the first two and ties it; 西岸村 is not scored.
func VillageScores() map[string][]scoring.Points {
	shangchao := []scoring.Points{988, 975, 550, 796, 790, 800, 585, 490, 488, 592, 390, 400, 395, 298, 290, 450, 450}
	aowai := append([]scoring.Points{}, shangchao...)
	aowai[0], aowai[1] = 975, 988
	zhailiaoxi := append([]scoring.Points{}, shangchao...)
	zhailiaoxi[2], zhailiaoxi[3] = 450, 709
	huangkeng := append([]scoring.Points{}, shangchao...)
	huangkeng[15], huangkeng[16] = 500, 483
	return map[string][]scoring.Points{"shangchao": shangchao, "aowai": aowai, "zhailiaoxi": zhailiaoxi, "huangkeng": huangkeng}
}

// LoadIndicators writes the 晒比 seed into a ledger: indicators, targets,
// the three lists, SeedMonth's values and the village sheet with its scores.
// Running it again rewrites definitions and adds the values again as
// corrections with the same numbers.
func LoadIndicators(ctx context.Context, st *store.Store, at time.Time) error {
	for _, ind := range Indicators() {
		if err := st.PutIndicator(ctx, ind, at); err != nil {
			return err
		}
	}
	for _, t := range Targets() {
		if err := st.SetTarget(ctx, t); err != nil {
			return err
		}
	}
	for _, l := range Lists() {
		if err := l.Validate(); err != nil {
			return fmt.Errorf("seed list %s: %w", l.Code, err)
		}
		if err := st.PutList(ctx, l, at); err != nil {
			return err
		}
	}
	for ind, units := range Values() {
		for unit, v := range units {
			if _, err := st.ReportValue(ctx, indicator.Value{Indicator: ind, Unit: unit, Month: SeedMonth, Value: v,
				ReportedBy: "种子数据", ReportedAt: at}); err != nil {
				return err
			}
		}
	}
	if err := st.PutSheet(ctx, VillageGroup, "泽雅镇各村", SeedMonth, VillageTasks(), VillageMembers(), at); err != nil {
		return err
	}
	for member, sc := range VillageScores() {
		if err := st.SetScores(ctx, VillageGroup, SeedMonth, member, sc, "泽雅镇督查办", at); err != nil {
			return err
		}
	}
	return nil
}
