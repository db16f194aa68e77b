package seed

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
)

// generator draws slips. Everything about slip i comes from a random
// source keyed by the seed and i, so batches can be drawn independently.
type generator struct {
	seed     int64
	year     int
	offset   int // the year's serial before the run
	now      time.Time
	cal      *calendar.Calendar
	planner  *reminder.Planner
	policies *reminder.Policies

	depts    []dept
	names    map[string]string
	byKind   map[unitKind][]string // department codes by kind
	batches  []origin
	schedule []issue // issue instants, ascending
}

// issue is when one slip is issued and in which batch.
type issue struct {
	at    int64 // unix milliseconds
	batch int
}

// unitKind is what kind of unit a department is.
type unitKind int

const (
	kindBureau unitKind = iota
	kindDistrict
	kindStreet
)

// newGenerator plans o.Slips slips over depts, numbered after offset.
func newGenerator(o Options, depts []dept, offset int) *generator {
	g := &generator{
		seed: o.Seed, year: o.Year, offset: offset, now: o.Now, cal: o.Calendar,
		planner: &reminder.Planner{Calendar: o.Calendar}, policies: o.Policies,
		depts: depts, names: map[string]string{}, byKind: map[unitKind][]string{},
	}
	for _, d := range depts {
		g.names[d.Code] = d.Name
		g.byKind[d.kind] = append(g.byKind[d.kind], d.Code)
	}
	g.plan(o.Slips)
	return g
}

// plan draws every slip's issue instant and batch, in issue order.
func (g *generator) plan(n int) {
	rng := rand.New(rand.NewPCG(uint64(g.seed)^0x9e3779b97f4a7c15, uint64(g.year)))
	last := calendar.DateOf(g.now)
	if end := (calendar.Date{Year: g.year, Month: time.December, Day: 31}); last.After(end) {
		last = end
	}
	g.batches = g.origins(last)
	total := 0.0
	for _, b := range g.batches {
		total += b.weight
	}
	g.schedule = make([]issue, n)
	for i := range g.schedule {
		pick, bi := rng.Float64()*total, 0
		for bi < len(g.batches)-1 && pick >= g.batches[bi].weight {
			pick -= g.batches[bi].weight
			bi++
		}
		b := g.batches[bi]
		// A meeting's slips mostly go out the day of the meeting.
		day := b.days[0]
		if rng.Float64() >= b.peak {
			day = b.days[rng.IntN(len(b.days))]
		}
		at := day.At(8, 30).Add(time.Duration(rng.IntN(9*3600)) * time.Second)
		if at.After(g.now) {
			at = g.now.Add(-time.Duration(1+rng.IntN(3600)) * time.Second)
		}
		g.schedule[i] = issue{at: at.UnixMilli(), batch: bi}
	}
	slices.SortStableFunc(g.schedule, func(a, b issue) int { return cmp.Compare(a.at, b.at) })
}

// origin is where slips come from: a meeting on a day, a campaign
// over some weeks, or a source that sends work all year.
type origin struct {
	name, source string
	categories   []string
	weight       float64         // share of the year's slips
	peak         float64         // share of its slips issued on its first day
	local        bool            // mostly for street offices and towns
	days         []calendar.Date // working days it issues on
}

// origins lays the year's batches on the calendar up to last.
func (g *generator) origins(last calendar.Date) []origin {
	y := g.year
	date := func(m time.Month, d int) calendar.Date { return g.onOrAfter(calendar.Date{Year: y, Month: m, Day: d}) }
	all := slices.Sorted(maps.Keys(categories))
	var out []origin
	add := func(b origin, from, to calendar.Date) {
		for d := from; !d.After(to) && !d.After(last); d = d.AddDays(1) {
			if g.working(d) {
				b.days = append(b.days, d)
			}
		}
		if len(b.days) > 0 {
			out = append(out, b)
		}
	}
	yearStart, yearEnd := calendar.Date{Year: y, Month: time.January, Day: 1}, calendar.Date{Year: y, Month: time.December, Day: 31}
	meeting := func(b origin, day calendar.Date) { add(b, day, g.addWorking(day, 2)) }

	add(origin{name: "领导批示件", source: "市领导批示", categories: all, weight: 14}, yearStart, yearEnd)
	add(origin{name: "12345热线重点诉求", source: "12345政务服务便民热线", weight: 14, local: true,
		categories: []string{"城市建设", "民生保障", "生态环保", "交通出行", "教育医疗"}}, yearStart, yearEnd)
	add(origin{name: "信访积案化解", source: "市信访工作联席会议", weight: 6, local: true, categories: []string{"信访积案"}}, yearStart, yearEnd)
	add(origin{name: "日常督查", source: "市政府督查室", categories: all, weight: 10}, yearStart, yearEnd)

	meeting(origin{name: fmt.Sprintf("%d新春第一会", y), source: fmt.Sprintf("%d年新春第一会", y), weight: 6, peak: 0.8,
		categories: []string{"营商环境", "项目建设", "城市建设", "民生保障", "乡村振兴"}}, g.afterSpringFestival())
	for n, m := 1, time.March; m <= time.December; n, m = n+1, m+1 {
		meeting(origin{name: fmt.Sprintf("擂台比武第%d期", n), source: "重点项目擂台比武", weight: 2, peak: 0.75,
			categories: []string{"项目建设", "营商环境", "城市建设"}}, date(m, 10))
	}
	for n, m := 1, time.April; m <= time.December; n, m = n+1, m+3 {
		meeting(origin{name: fmt.Sprintf("晒比会第%d期", n), source: "重点工作晒比会", categories: all, weight: 3, peak: 0.75}, date(m, 15))
	}
	for n, d := 1, date(time.January, 8); d.Year == y; n, d = n+1, g.onOrAfter(d.AddDays(14)) {
		meeting(origin{name: fmt.Sprintf("市政府第%d次常务会议", n), source: "市政府常务会议", categories: all, weight: 1, peak: 0.9}, d)
	}
	add(origin{name: fmt.Sprintf("%d年人大代表建议", y), source: "市人民代表大会", weight: 4,
		categories: []string{"城市建设", "教育医疗", "民生保障", "交通出行", "生态环保"}}, date(time.March, 15), date(time.May, 31))
	add(origin{name: fmt.Sprintf("%d年政协提案", y), source: "市政协", weight: 3,
		categories: []string{"营商环境", "教育医疗", "民生保障", "乡村振兴"}}, date(time.March, 15), date(time.May, 31))
	add(origin{name: "中央生态环境保护督察反馈问题整改", source: "中央生态环境保护督察", weight: 3, peak: 0.3,
		categories: []string{"生态环保"}}, date(time.June, 10), date(time.July, 10))
	add(origin{name: "安全生产大检查", source: "市安全生产委员会", weight: 3, categories: []string{"安全生产"}}, date(time.May, 6), date(time.June, 30))

	if len(out) == 0 { // seeded on 1 January, a holiday: issue on it anyway
		out = append(out, origin{name: "领导批示件", source: "市领导批示", categories: all, weight: 1, days: []calendar.Date{yearStart}})
	}
	return out
}

// afterSpringFestival is the first working day after the longest run of days
// off between mid-January and early March: the day of 新春第一会.
func (g *generator) afterSpringFestival() calendar.Date {
	best, bestRun, run := calendar.Date{Year: g.year, Month: time.February, Day: 10}, 0, 0
	for d := (calendar.Date{Year: g.year, Month: time.January, Day: 15}); d.Before(calendar.Date{Year: g.year, Month: time.March, Day: 10}); d = d.AddDays(1) {
		if !g.working(d) {
			run++
			continue
		}
		if run > bestRun && run >= 5 {
			best, bestRun = d, run
		}
		run = 0
	}
	return g.onOrAfter(best)
}

// batch draws slips from..to-1 of the schedule and lives their lives.
func (g *generator) batch(from, to int) ([]store.ImportedSlip, error) {
	out := make([]store.ImportedSlip, 0, to-from)
	for i := from; i < to; i++ {
		sl, events, err := g.slip(i)
		if err != nil {
			return nil, fmt.Errorf("seed slip %d: %w", i+1, err)
		}
		out = append(out, store.ImportedSlip{Slip: sl, Events: events, Serial: g.serial(i)})
	}
	return out, nil
}

// serial is the year's serial of schedule entry i: the year's sequence
// continues from where it stood before the run.
func (g *generator) serial(i int) int { return g.offset + i + 1 }

// slip draws slip i and lives its life up to now.
func (g *generator) slip(i int) (slip.Slip, []slip.Event, error) {
	rng := rand.New(rand.NewPCG(uint64(g.seed), uint64(g.offset+i)))
	when := g.schedule[i]
	at := time.UnixMilli(when.at).In(calendar.Zone)
	d := g.draft(rng, g.batches[when.batch], at)
	s := slip.Slip{
		ID: newID(at, rng), Draft: d, IssuedAt: at, IssuedBy: pick(rng, officeClerks), Policy: g.policies.For(d),
	}
	// Each unit's part, as the service gives them at issue.
	s.Tracks = slip.NewTracks(d, at, g.addWorking(calendar.DateOf(at), slip.DefaultRefuseWorkingDays))
	s.StartIssued()
	course, err := g.planner.Follow(&s)
	if err != nil {
		return s, nil, err
	}
	l := &life{g: g, rng: rng, s: &s, course: course}
	if err := l.run(); err != nil {
		return s, nil, err
	}
	return s, course.Events(), nil
}

// newID is a version 7 UUID like the service's: the issue instant in its
// leading bits, so the ledger's id order is issue order.
func newID(at time.Time, rng *rand.Rand) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], uint64(at.UnixMilli())<<16|rng.Uint64()&0xffff)
	binary.BigEndian.PutUint64(u[8:16], rng.Uint64())
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 4122 variant
	return u.String()
}

// draft fills in what the office writes on the slip.
func (g *generator) draft(rng *rand.Rand, b origin, at time.Time) slip.Draft {
	cat := b.categories[rng.IntN(len(b.categories))]
	c := categories[cat]
	prio := slip.PriorityNormal
	switch p := rng.IntN(100); {
	case p < 8:
		prio = slip.PriorityExtraUrgent
	case p < 30:
		prio = slip.PriorityUrgent
	}
	lead := g.lead(rng, b, c)
	co := g.coDepartments(rng, lead, c)
	leader := c.leader
	if prio == slip.PriorityExtraUrgent && rng.IntN(3) == 0 {
		leader = "张市长"
	}
	title := g.expand(rng, pick(rng, c.titles))
	coNames := make([]string, len(co))
	for i, code := range co {
		coNames[i] = g.names[code]
	}
	deadline := g.deadline(rng, prio, calendar.DateOf(at))
	var content strings.Builder
	fmt.Fprintf(&content, "%s交办：%s。请%s牵头", b.source, title, g.names[lead])
	if len(co) > 0 {
		fmt.Fprintf(&content, "，%s配合", strings.Join(coNames, "、"))
	}
	fmt.Fprintf(&content, "，%s，于%s前办结并报送办理结果。", pick(rng, requirements), deadline)
	return slip.Draft{
		Title: title, Content: content.String(), Source: b.source, Batch: b.name, Category: cat,
		Priority: prio, LeadDepartment: lead, CoDepartments: co, Leader: leader, Deadline: deadline,
	}
}

// lead picks the lead department: a street office or town for most hotline
// and petition cases, a bureau that owns the category for most others.
func (g *generator) lead(rng *rand.Rand, b origin, c category) string {
	if b.local && len(g.byKind[kindStreet]) > 0 && rng.IntN(10) < 6 {
		return pick(rng, g.byKind[kindStreet])
	}
	var owners []string
	for _, code := range c.owners {
		if _, ok := g.names[code]; ok {
			owners = append(owners, code)
		}
	}
	if len(owners) > 0 && rng.IntN(10) < 7 {
		return pick(rng, owners)
	}
	if len(g.byKind[kindDistrict]) > 0 && rng.IntN(6) == 0 {
		return pick(rng, g.byKind[kindDistrict])
	}
	if bureaus := g.byKind[kindBureau]; len(bureaus) > 0 {
		return pick(rng, bureaus)
	}
	return g.depts[rng.IntN(len(g.depts))].Code
}

// coDepartments picks 0–3 co-departments, none of them the lead.
func (g *generator) coDepartments(rng *rand.Rand, lead string, c category) []string {
	n := 0
	switch p := rng.IntN(100); {
	case p < 35:
	case p < 65:
		n = 1
	case p < 85:
		n = 2
	default:
		n = 3
	}
	n = min(n, len(g.depts)-1)
	co := []string{}
	for tries := 0; len(co) < n && tries < 50; tries++ {
		code := g.depts[rng.IntN(len(g.depts))].Code
		if tries%2 == 0 && len(c.owners) > 0 {
			code = pick(rng, c.owners)
		}
		if _, ok := g.names[code]; !ok || code == lead || slices.Contains(co, code) {
			continue
		}
		co = append(co, code)
	}
	return co
}

// deadline is 5–60 days after the issue date, on a working day, sooner for
// urgent work.
func (g *generator) deadline(rng *rand.Rand, p slip.Priority, issued calendar.Date) calendar.Date {
	days := 15 + rng.IntN(46)
	switch p {
	case slip.PriorityExtraUrgent:
		days = 5 + rng.IntN(11)
	case slip.PriorityUrgent:
		days = 7 + rng.IntN(24)
	}
	d := g.onOrAfter(issued.AddDays(days))
	if d.After(issued.AddDays(60)) {
		d = issued.AddDays(days)
		for !g.working(d) {
			d = d.AddDays(-1)
		}
	}
	return d
}

// expand fills the {placeholders} of a title template.
func (g *generator) expand(rng *rand.Rand, tmpl string) string {
	var out strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			out.WriteString(tmpl)
			return out.String()
		}
		j := strings.IndexByte(tmpl[i:], '}') + i
		out.WriteString(tmpl[:i])
		district := pick(rng, districts)
		switch tmpl[i+1 : j] {
		case "d":
			out.WriteString(district.short)
		case "s":
			out.WriteString(district.short + pick(rng, district.places) + district.street)
		case "r":
			out.WriteString(pick(rng, roads))
		case "c":
			out.WriteString(district.short + pick(rng, communities) + "小区")
		case "company":
			out.WriteString(pick(rng, companies))
		case "river":
			out.WriteString(pick(rng, rivers))
		case "project":
			out.WriteString(pick(rng, projects))
		case "n":
			fmt.Fprint(&out, 3+rng.IntN(8))
		}
		tmpl = tmpl[j+1:]
	}
}

// working reports whether d is a working day; years the calendar cannot
// answer for count weekends only.
func (g *generator) working(d calendar.Date) bool {
	ok, err := g.cal.IsWorkingDay(d)
	if err != nil {
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	return ok
}

// onOrAfter is d if it is a working day, else the next one.
func (g *generator) onOrAfter(d calendar.Date) calendar.Date {
	for i := 0; i < 30 && !g.working(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// addWorking is the n-th working day after d.
func (g *generator) addWorking(d calendar.Date, n int) calendar.Date {
	if r, err := g.cal.AddWorkingDays(d, n); err == nil {
		return r
	}
	for n > 0 {
		d = d.AddDays(1)
		if g.working(d) {
			n--
		}
	}
	return d
}
