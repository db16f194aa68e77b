package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/reminder"
	"github.com/duban-gov/duban/slip"
)

// ErrLedgerNotEmpty is returned by Seed when the ledger already has slips and
// SeedOptions.Append is not set: seed data must never mix into real work by
// accident.
var ErrLedgerNotEmpty = errors.New("seed: the ledger already has slips (set Append to add to it)")

// MaxSeedDepartments is how many distinct departments Seed can name: 50
// municipal bureaus, 10 districts and counties, and 24 street offices or
// towns in each.
const MaxSeedDepartments = 300

// SeedOptions say what Seed writes.
type SeedOptions struct {
	// Slips is how many slips to issue.
	Slips int
	// Departments is how many departments to spread them over (0: 200, at
	// most MaxSeedDepartments): municipal bureaus first, then districts and
	// counties, then their street offices and towns. Those already on the
	// ledger are kept as they are.
	Departments int
	// Year is the year every slip is issued in (0: the year of Now in Beijing
	// time). It must have begun by Now.
	Year int
	// Seed makes the ledger reproducible: the same Seed, Year, Now and
	// Departments on an empty ledger write the same slips, numbers, titles
	// and timelines.
	Seed int64
	// Now is the moment the ledger is seeded as of: slips are issued up to
	// it and nothing happens after it, so recent slips are still open and old
	// ones mostly signed off. Zero means time.Now().
	Now time.Time
	// Append lets Seed add slips to a ledger that already has some; their
	// numbers continue the year's sequence.
	Append bool
	// Calendar places actions on working days and plans reminders exactly as
	// the workflows do (nil: the shipped holiday data, weekends only for
	// years without data).
	Calendar *calendar.Calendar
	// Policies are the reminder policies slips are issued with (nil: the
	// defaults).
	Policies *reminder.Policies
	// Batch is how many slips one transaction writes (0: 1000).
	Batch int
	// Progress, when set, is called after each committed batch with the
	// number of slips written so far.
	Progress func(done int)
}

// SeedReport says what Seed wrote.
type SeedReport struct {
	Departments        int // departments the slips were spread over
	CreatedDepartments int // of those, the ones Seed created
	Slips              int
	SlipDepartments    int64 // lead and co-department assignments
	Events             int64 // timeline events
	FirstNumber        string
	LastNumber         string
	Statuses           map[slip.Status]int // slips per status as of Now
}

const (
	defaultSeedBatch  = 1000
	seedPipelineDepth = 2 // batches drawn ahead of the writers
	defaultSeedDepts  = 200
)

// Seed writes a realistic ledger straight to the store, without workflows:
// departments with Chinese names, and o.Slips slips issued over o.Year in
// meeting batches and day-to-day sources, each with a timeline that the slip
// state machine (slip.Slip.Apply) and the reminder planner produced as of
// o.Now — acknowledgements, progress, extensions, reminders and escalations,
// resolutions, send-backs, reviews, sign-offs and some cancellations.
//
// It is for demonstrations and load tests, on a database of their own: the
// slips have no workflows, so acting on an open one through the API fails.
// Numbers continue the year's sequence in slip_counters, which each
// transaction moves past its slips as it commits, so slips issued afterwards
// continue it; nobody should issue slips while Seed runs (a real slip could
// take a number Seed has planned, and one of the two inserts would fail). On
// error, the batches already committed stay.
//
// Batches of o.Batch slips are drawn in one goroutine and written with
// multi-row inserts in concurrent transactions (one at a time on SQLite).
func (s *Store) Seed(ctx context.Context, o SeedOptions) (SeedReport, error) {
	o, err := o.withDefaults()
	if err != nil {
		return SeedReport{}, err
	}
	var existing []string
	if err := s.db.WithContext(ctx).Model(&slipRow{}).Limit(1).Pluck("id", &existing).Error; err != nil {
		return SeedReport{}, fmt.Errorf("seed: look at the ledger: %w", err)
	}
	if len(existing) > 0 && !o.Append {
		return SeedReport{}, ErrLedgerNotEmpty
	}

	depts := seedDepartmentList(o.Departments)
	rep := SeedReport{Departments: len(depts), Statuses: map[slip.Status]int{}}
	if rep.CreatedDepartments, err = s.seedDepartments(ctx, depts, o.Now); err != nil {
		return rep, err
	}
	if o.Slips == 0 {
		return rep, nil
	}
	// Keying each slip's randomness by its place in the year's sequence makes
	// a second, appended run draw different ids and titles.
	var offset []int
	if err := s.db.WithContext(ctx).Table("slip_counters").Where("year = ?", o.Year).Pluck("last_serial", &offset).Error; err != nil {
		return rep, fmt.Errorf("seed: read slip counter: %w", err)
	}
	g := newSeedGenerator(o, depts)
	g.prefix = s.opts.NumberPrefix
	if len(offset) > 0 {
		g.offset = offset[0]
	}
	return rep, s.seedSlips(ctx, g, &rep)
}

func (o SeedOptions) withDefaults() (SeedOptions, error) {
	if o.Slips < 0 {
		return o, fmt.Errorf("seed: %d slips", o.Slips)
	}
	if o.Departments == 0 {
		o.Departments = defaultSeedDepts
	}
	if o.Batch <= 0 {
		o.Batch = defaultSeedBatch
	}
	if o.Departments < 1 || o.Departments > MaxSeedDepartments {
		return o, fmt.Errorf("seed: departments must be between 1 and %d, got %d", MaxSeedDepartments, o.Departments)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.In(slip.Zone)
	if o.Year == 0 {
		o.Year = o.Now.Year()
	}
	if start := time.Date(o.Year, 1, 1, 9, 0, 0, 0, slip.Zone); o.Now.Before(start) {
		return o, fmt.Errorf("seed: year %d has not begun by %s", o.Year, o.Now.Format(time.DateTime))
	}
	if o.Calendar == nil {
		cal, err := calendar.New(calendar.Options{MissingYear: calendar.WeekendsOnly, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return o, fmt.Errorf("seed: %w", err)
		}
		o.Calendar = cal
	}
	if o.Policies == nil {
		p := reminder.DefaultPolicies()
		o.Policies = &p
	}
	return o, nil
}

// seedDepartments creates the departments that are not on the ledger yet.
func (s *Store) seedDepartments(ctx context.Context, depts []seedDept, now time.Time) (int, error) {
	rows := make([]departmentRow, len(depts))
	for i, d := range depts {
		rows[i] = departmentRow{Code: d.Code, Name: d.Name, CreatedAt: now.UTC()}
		if d.ParentCode != "" {
			rows[i].ParentCode = &d.ParentCode
		}
	}
	// Parents come before their children in rows, as the foreign key needs.
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 500)
	if res.Error != nil {
		return 0, fmt.Errorf("seed departments: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// seedBatch is the rows of one transaction's slips.
type seedBatch struct {
	slips  []slipRow
	depts  []slipDepartmentRow
	events []eventRow
	err    error
}

// seedWriters is how many transactions write at once: PostgreSQL spreads
// them over its cores; SQLite has one writer anyway.
func (s *Store) seedWriters() int {
	if s.dialect == Postgres {
		return max(2, min(runtime.NumCPU(), 4))
	}
	return 1
}

// seedSlips generates batches in one goroutine and writes them in several.
// Numbers are fixed when a slip is drawn (the year's serial before the run
// plus its place in the schedule), so batches may commit in any order; each
// moves the year's counter up to its last serial as it commits.
func (s *Store) seedSlips(ctx context.Context, g *seedGenerator, rep *SeedReport) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan seedBatch, seedPipelineDepth)
	go func() {
		defer close(batches)
		for from := 0; from < len(g.schedule); from += g.batchSize {
			b := g.batch(from, min(from+g.batchSize, len(g.schedule)))
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range s.seedWriters() {
		wg.Go(func() {
			for b := range batches {
				err := b.err
				if err == nil {
					err = s.writeSeedBatch(ctx, g.year, b)
				}
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				for _, r := range b.slips {
					rep.Statuses[slip.Status(r.Status)]++
				}
				rep.Slips += len(b.slips)
				rep.SlipDepartments += int64(len(b.depts))
				rep.Events += int64(len(b.events))
				if g.progress != nil {
					g.progress(rep.Slips)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	rep.FirstNumber, rep.LastNumber = g.number(0), g.number(len(g.schedule)-1)
	return nil
}

// writeSeedBatch inserts a batch and moves the year's counter past it, in
// one transaction, so the counter never runs behind the committed slips.
func (s *Store) writeSeedBatch(ctx context.Context, year int, b seedBatch) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			// Seed data is rebuilt, not recovered: a crash may lose the
			// last batches but never leaves half of one.
			if err := tx.Exec(`SET LOCAL synchronous_commit = off`).Error; err != nil {
				return err
			}
		}
		// Already in a transaction: no savepoints around the chunks.
		tx = tx.Session(&gorm.Session{SkipDefaultTransaction: true})
		if err := insertChunked(tx, b.slips, s.insertChunk(&slipRow{})); err != nil {
			return fmt.Errorf("insert slips: %w", err)
		}
		if err := insertChunked(tx, b.depts, s.insertChunk(&slipDepartmentRow{})); err != nil {
			return fmt.Errorf("insert slip departments: %w", err)
		}
		if err := insertChunked(tx, b.events, s.insertChunk(&eventRow{})); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		members := map[string][]member{}
		for _, d := range b.depts { // in position order per slip, the lead first
			members[d.SlipID] = append(members[d.SlipID], member{d.DepartmentCode, d.Role})
		}
		if err := applyRollup(tx, rollupChange(nil, b.slips, func(id string) []member { return members[id] })); err != nil {
			return fmt.Errorf("count slips in statistics: %w", err)
		}
		// Last, so the counter's row lock is held only until the commit.
		last := b.slips[len(b.slips)-1].Serial
		if err := tx.Exec(`INSERT INTO slip_counters (year, last_serial) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last_serial = CASE WHEN slip_counters.last_serial < excluded.last_serial
				THEN excluded.last_serial ELSE slip_counters.last_serial END`, year, last).Error; err != nil {
			return fmt.Errorf("move slip counter: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed batch %s…%s: %w", b.slips[0].Number, b.slips[len(b.slips)-1].Number, err)
	}
	return nil
}

// insertChunked inserts rows with multi-row INSERTs of max rows, and the
// rest in chunks of powers of two. The PostgreSQL driver prepares and caches
// every distinct statement on its connection (and the server keeps it too):
// chunks of whatever size a batch leaves over would fill both caches with
// hundreds of statements of thousands of rows each, where this needs a
// dozen per table.
func insertChunked[T any](tx *gorm.DB, rows []T, max int) error {
	for len(rows) > 0 {
		n := max
		if len(rows) < n {
			n = 1 << (bits.Len(uint(len(rows))) - 1) // the largest power of two that fits
		}
		chunk := rows[:n]
		if err := tx.Create(&chunk).Error; err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertChunk is how many rows of model one multi-row INSERT may carry
// without passing the bind-parameter limit (SQLite 32766, PostgreSQL 65535).
func (s *Store) insertChunk(model any) int {
	budget := 30000
	if s.dialect == Postgres {
		budget = 60000
	}
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(model); err != nil || len(stmt.Schema.DBNames) == 0 {
		return 100
	}
	return budget / len(stmt.Schema.DBNames)
}

// seedGenerator draws slips. Everything about slip i comes from a random
// source keyed by the seed and i, so batches can be drawn independently.
type seedGenerator struct {
	seed      int64
	year      int
	prefix    string // of slip numbers
	batchSize int    // slips per transaction
	offset    int    // the year's serial before the run
	now       time.Time
	cal       *calendar.Calendar
	planner   *reminder.Planner
	policies  *reminder.Policies
	progress  func(int)

	depts    []seedDept
	names    map[string]string
	byKind   map[seedKind][]string // department codes by kind
	batches  []seedBatchInfo
	schedule []seedIssue // issue instants, ascending
}

// seedIssue is when one slip is issued and in which batch.
type seedIssue struct {
	at    int64 // unix milliseconds
	batch int
}

type seedKind int

const (
	kindBureau seedKind = iota
	kindDistrict
	kindStreet
)

func newSeedGenerator(o SeedOptions, depts []seedDept) *seedGenerator {
	g := &seedGenerator{
		seed: o.Seed, year: o.Year, now: o.Now, cal: o.Calendar, batchSize: o.Batch,
		planner: &reminder.Planner{Calendar: o.Calendar}, policies: o.Policies, progress: o.Progress,
		depts: depts, names: map[string]string{}, byKind: map[seedKind][]string{},
	}
	for _, d := range depts {
		g.names[d.Code] = d.Name
		g.byKind[d.kind] = append(g.byKind[d.kind], d.Code)
	}
	g.plan(o.Slips)
	return g
}

// plan draws every slip's issue instant and batch, in issue order.
func (g *seedGenerator) plan(n int) {
	rng := rand.New(rand.NewPCG(uint64(g.seed)^0x9e3779b97f4a7c15, uint64(g.year)))
	last := calendar.DateOf(g.now)
	if end := (calendar.Date{Year: g.year, Month: time.December, Day: 31}); last.After(end) {
		last = end
	}
	g.batches = g.seedBatches(last)
	total := 0.0
	for _, b := range g.batches {
		total += b.weight
	}
	g.schedule = make([]seedIssue, n)
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
		g.schedule[i] = seedIssue{at: at.UnixMilli(), batch: bi}
	}
	slices.SortStableFunc(g.schedule, func(a, b seedIssue) int { return cmp.Compare(a.at, b.at) })
}

// seedBatchInfo is where slips come from: a meeting on a day, a campaign
// over some weeks, or a source that sends work all year.
type seedBatchInfo struct {
	name, source string
	categories   []string
	weight       float64         // share of the year's slips
	peak         float64         // share of its slips issued on its first day
	local        bool            // mostly for street offices and towns
	days         []calendar.Date // working days it issues on
}

// seedBatches lays the year's batches on the calendar up to last.
func (g *seedGenerator) seedBatches(last calendar.Date) []seedBatchInfo {
	y := g.year
	date := func(m time.Month, d int) calendar.Date { return g.onOrAfter(calendar.Date{Year: y, Month: m, Day: d}) }
	all := slices.Sorted(maps.Keys(seedCategories))
	var out []seedBatchInfo
	add := func(b seedBatchInfo, from, to calendar.Date) {
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
	meeting := func(b seedBatchInfo, day calendar.Date) { add(b, day, g.addWorking(day, 2)) }

	add(seedBatchInfo{name: "领导批示件", source: "市领导批示", categories: all, weight: 14}, yearStart, yearEnd)
	add(seedBatchInfo{name: "12345热线重点诉求", source: "12345政务服务便民热线", weight: 14, local: true,
		categories: []string{"城市建设", "民生保障", "生态环保", "交通出行", "教育医疗"}}, yearStart, yearEnd)
	add(seedBatchInfo{name: "信访积案化解", source: "市信访工作联席会议", weight: 6, local: true, categories: []string{"信访积案"}}, yearStart, yearEnd)
	add(seedBatchInfo{name: "日常督查", source: "市政府督查室", categories: all, weight: 10}, yearStart, yearEnd)

	meeting(seedBatchInfo{name: fmt.Sprintf("%d新春第一会", y), source: fmt.Sprintf("%d年新春第一会", y), weight: 6, peak: 0.8,
		categories: []string{"营商环境", "项目建设", "城市建设", "民生保障", "乡村振兴"}}, g.afterSpringFestival())
	for n, m := 1, time.March; m <= time.December; n, m = n+1, m+1 {
		meeting(seedBatchInfo{name: fmt.Sprintf("擂台比武第%d期", n), source: "重点项目擂台比武", weight: 2, peak: 0.75,
			categories: []string{"项目建设", "营商环境", "城市建设"}}, date(m, 10))
	}
	for n, m := 1, time.April; m <= time.December; n, m = n+1, m+3 {
		meeting(seedBatchInfo{name: fmt.Sprintf("晒比会第%d期", n), source: "重点工作晒比会", categories: all, weight: 3, peak: 0.75}, date(m, 15))
	}
	for n, d := 1, date(time.January, 8); d.Year == y; n, d = n+1, g.onOrAfter(d.AddDays(14)) {
		meeting(seedBatchInfo{name: fmt.Sprintf("市政府第%d次常务会议", n), source: "市政府常务会议", categories: all, weight: 1, peak: 0.9}, d)
	}
	add(seedBatchInfo{name: fmt.Sprintf("%d年人大代表建议", y), source: "市人民代表大会", weight: 4,
		categories: []string{"城市建设", "教育医疗", "民生保障", "交通出行", "生态环保"}}, date(time.March, 15), date(time.May, 31))
	add(seedBatchInfo{name: fmt.Sprintf("%d年政协提案", y), source: "市政协", weight: 3,
		categories: []string{"营商环境", "教育医疗", "民生保障", "乡村振兴"}}, date(time.March, 15), date(time.May, 31))
	add(seedBatchInfo{name: "中央生态环境保护督察反馈问题整改", source: "中央生态环境保护督察", weight: 3, peak: 0.3,
		categories: []string{"生态环保"}}, date(time.June, 10), date(time.July, 10))
	add(seedBatchInfo{name: "安全生产大检查", source: "市安全生产委员会", weight: 3, categories: []string{"安全生产"}}, date(time.May, 6), date(time.June, 30))

	if len(out) == 0 { // seeded on 1 January, a holiday: issue on it anyway
		out = append(out, seedBatchInfo{name: "领导批示件", source: "市领导批示", categories: all, weight: 1, days: []calendar.Date{yearStart}})
	}
	return out
}

// afterSpringFestival is the first working day after the longest run of days
// off between mid-January and early March: the day of 新春第一会.
func (g *seedGenerator) afterSpringFestival() calendar.Date {
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

// batch generates the rows of slips from..to-1 of the schedule.
func (g *seedGenerator) batch(from, to int) seedBatch {
	var b seedBatch
	b.slips = make([]slipRow, 0, to-from)
	for i := from; i < to; i++ {
		sl, events, err := g.slip(i)
		if err != nil {
			b.err = fmt.Errorf("seed slip %d: %w", i+1, err)
			return b
		}
		row := newSlipRow(sl, g.year, g.offset+i+1, g.number(i))
		markEventFacts(&row, events)
		row.CloseWorkingDays = closeWorkingDays(g.cal, sl)
		b.slips = append(b.slips, row)
		for pos, code := range sl.Draft.Departments() {
			role := "co"
			if pos == 0 {
				role = "lead"
			}
			b.depts = append(b.depts, slipDepartmentRow{SlipID: sl.ID, DepartmentCode: code, Role: role, Position: pos})
		}
		for _, e := range events {
			row, err := newEventRow(e)
			if err != nil {
				b.err = err
				return b
			}
			b.events = append(b.events, row)
		}
	}
	return b
}

// number is the slip number of schedule entry i: the year's sequence
// continues from where it stood before the run.
func (g *seedGenerator) number(i int) string {
	return fmt.Sprintf("%s〔%d〕%d号", g.prefix, g.year, g.offset+i+1)
}

// slip draws slip i and lives its life up to now.
func (g *seedGenerator) slip(i int) (slip.Slip, []slip.Event, error) {
	rng := rand.New(rand.NewPCG(uint64(g.seed), uint64(g.offset+i)))
	issue := g.schedule[i]
	at := time.UnixMilli(issue.at).In(slip.Zone)
	batch := g.batches[issue.batch]
	d := g.draft(rng, batch, at)
	s := slip.Slip{
		ID: seedID(at, rng), Draft: d, IssuedAt: at, IssuedBy: pick(rng, seedOfficeClerks),
		Status: slip.StatusIssued, Seq: 1, UpdatedAt: at, Deadline: d.Deadline, Policy: g.policies.For(d),
	}
	life := &seedLife{g: g, rng: rng, s: &s, events: []slip.Event{s.IssuedEvent()}}
	if err := life.run(); err != nil {
		return s, nil, err
	}
	return s, life.events, nil
}

// seedID is a version 7 UUID like the service's: the issue instant in its
// leading bits, so the ledger's id order is issue order.
func seedID(at time.Time, rng *rand.Rand) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], uint64(at.UnixMilli())<<16|rng.Uint64()&0xffff)
	binary.BigEndian.PutUint64(u[8:16], rng.Uint64())
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 4122 variant
	return u.String()
}

// draft fills in what the office writes on the slip.
func (g *seedGenerator) draft(rng *rand.Rand, b seedBatchInfo, at time.Time) slip.Draft {
	cat := b.categories[rng.IntN(len(b.categories))]
	c := seedCategories[cat]
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
	fmt.Fprintf(&content, "，%s，于%s前办结并报送办理结果。", pick(rng, seedRequirements), deadline)
	return slip.Draft{
		Title: title, Content: content.String(), Source: b.source, Batch: b.name, Category: cat,
		Priority: prio, LeadDepartment: lead, CoDepartments: co, Leader: leader, Deadline: deadline.String(),
	}
}

// lead picks the lead department: a street office or town for most hotline
// and petition cases, a bureau that owns the category for most others.
func (g *seedGenerator) lead(rng *rand.Rand, b seedBatchInfo, c seedCategory) string {
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
func (g *seedGenerator) coDepartments(rng *rand.Rand, lead string, c seedCategory) []string {
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
func (g *seedGenerator) deadline(rng *rand.Rand, p slip.Priority, issued calendar.Date) calendar.Date {
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
func (g *seedGenerator) expand(rng *rand.Rand, tmpl string) string {
	var out strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			out.WriteString(tmpl)
			return out.String()
		}
		j := strings.IndexByte(tmpl[i:], '}') + i
		out.WriteString(tmpl[:i])
		district := pick(rng, seedDistricts)
		switch tmpl[i+1 : j] {
		case "d":
			out.WriteString(district.short)
		case "s":
			out.WriteString(district.short + pick(rng, district.places) + district.street)
		case "r":
			out.WriteString(pick(rng, seedRoads))
		case "c":
			out.WriteString(district.short + pick(rng, seedCommunities) + "小区")
		case "company":
			out.WriteString(pick(rng, seedCompanies))
		case "river":
			out.WriteString(pick(rng, seedRivers))
		case "project":
			out.WriteString(pick(rng, seedProjects))
		case "n":
			fmt.Fprint(&out, 3+rng.IntN(8))
		}
		tmpl = tmpl[j+1:]
	}
}

// working reports whether d is a working day; years the calendar cannot
// answer for count weekends only.
func (g *seedGenerator) working(d calendar.Date) bool {
	ok, err := g.cal.IsWorkingDay(d)
	if err != nil {
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	return ok
}

// onOrAfter is d if it is a working day, else the next one.
func (g *seedGenerator) onOrAfter(d calendar.Date) calendar.Date {
	for i := 0; i < 30 && !g.working(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// addWorking is the n-th working day after d.
func (g *seedGenerator) addWorking(d calendar.Date, n int) calendar.Date {
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

// seedLife plays one slip's life: the actions of people, drawn here, and the
// reminders the planner gives, each applied through the slip's own state
// machine in time order, until the slip ends or Now is reached.
type seedLife struct {
	g      *seedGenerator
	rng    *rand.Rand
	s      *slip.Slip
	events []slip.Event
	plan   []slip.Reminder
	last   time.Time // instant of the latest action drawn
	done   bool      // Now reached or the slip ended
	err    error
}

// run draws the slip's fate and acts it out.
func (l *seedLife) run() error {
	s, rng := l.s, l.rng
	l.last = s.IssuedAt
	l.replan(s.IssuedAt)
	fate := rng.IntN(100)
	cancelled, stalled, late := fate < 3, fate >= 3 && fate < 10, fate >= 10 && fate < 20

	ackAt := l.ackTime(stalled)
	if cancelled {
		cancelAt := l.workTime(l.g.addWorking(calendar.DateOf(s.IssuedAt), 1+rng.IntN(20)))
		if cancelAt.After(ackAt) {
			l.act(ackAt, slip.Command{Action: slip.ActionAcknowledge, Actor: l.deptActor()})
		}
		l.act(cancelAt, slip.Command{Action: slip.ActionCancel, Actor: pick(rng, seedOfficeClerks), Reason: pick(rng, seedCancelReasons)})
		return l.finish()
	}
	l.act(ackAt, slip.Command{Action: slip.ActionAcknowledge, Actor: l.deptActor()})

	if !stalled && rng.IntN(100) < 9 {
		l.extension()
	}
	resolveAt := l.resolveTime(stalled, late)
	l.progress(resolveAt, rng.IntN(4))
	l.act(resolveAt, l.resolution())

	for round := 0; ; round++ {
		reviewAt := l.afterWorkingDays(l.last, 1+rng.IntN(4))
		if rng.IntN(100) == 0 { // the office sits on it
			reviewAt = l.afterWorkingDays(l.last, 20+rng.IntN(40))
		}
		if sendBack := []int{14, 6}; round < len(sendBack) && rng.IntN(100) < sendBack[round] {
			cmd := slip.Command{Action: slip.ActionSendBack, Actor: pick(rng, seedOfficeClerks), Comment: pick(rng, seedSendBackComments)}
			if day := calendar.DateOf(reviewAt); day.String() > s.EffectiveDeadline() && rng.IntN(2) == 0 {
				cmd.Deadline = l.g.onOrAfter(day.AddDays(10 + rng.IntN(11))).String()
			}
			l.act(reviewAt, cmd)
			again := l.afterWorkingDays(l.last, 3+rng.IntN(15))
			l.progress(again, rng.IntN(2))
			l.act(again, l.resolution())
			continue
		}
		l.act(reviewAt, slip.Command{Action: slip.ActionPassReview, Actor: pick(rng, seedOfficeClerks), Comment: "经复核，整改到位"})
		break
	}
	l.act(l.afterWorkingDays(l.last, rng.IntN(3)), slip.Command{Action: slip.ActionSignOff, Actor: pick(rng, seedOfficeClerks), Comment: "同意销号"})
	return l.finish()
}

// ackTime: most slips are signed for within hours, some the next working
// day (after the 未签收提醒), a few days later; stalled ones much later.
func (l *seedLife) ackTime(stalled bool) time.Time {
	issued := l.s.IssuedAt
	switch p := l.rng.IntN(100); {
	case stalled && p < 20:
		return l.afterWorkingDays(issued, 10+l.rng.IntN(30))
	case p < 72:
		t := issued.Add(time.Duration(20+l.rng.IntN(280)) * time.Minute)
		if t.Hour() < 18 && calendar.DateOf(t) == calendar.DateOf(issued) {
			return t
		}
		return l.afterWorkingDays(issued, 1)
	case p < 95:
		return l.afterWorkingDays(issued, 1)
	default:
		return l.afterWorkingDays(issued, 2+l.rng.IntN(5))
	}
}

// resolveTime: on time within the deadline window, a little late, or
// stalled well past it (the cases the escalation ladder exists for).
func (l *seedLife) resolveTime(stalled, late bool) time.Time {
	deadline, _ := calendar.ParseDate(l.s.EffectiveDeadline())
	from := calendar.DateOf(l.last)
	var day calendar.Date
	switch {
	case stalled:
		day = deadline.AddDays(30 + l.rng.IntN(300))
	case late:
		day = deadline.AddDays(1 + l.rng.IntN(15))
	default:
		span := daysBetween(from, deadline)
		day = from.AddDays(int(float64(span) * (0.35 + 0.65*l.rng.Float64())))
	}
	t := l.workTime(l.g.onOrAfter(day))
	if !t.After(l.last) {
		t = l.last.Add(time.Duration(30+l.rng.IntN(240)) * time.Minute)
	}
	return t
}

// extension asks, before the deadline, to move it by one to four weeks; the
// office approves most requests a few days later.
func (l *seedLife) extension() {
	s, rng := l.s, l.rng
	deadline, _ := calendar.ParseDate(s.EffectiveDeadline())
	from := calendar.DateOf(l.last)
	span := daysBetween(from, deadline)
	if span < 3 {
		return
	}
	askAt := l.workTime(l.g.onOrAfter(from.AddDays(span/2 + rng.IntN(span/2))))
	if calendar.DateOf(askAt).After(deadline) || !askAt.After(l.last) {
		return
	}
	proposed := l.g.onOrAfter(deadline.AddDays(7 + rng.IntN(22)))
	if !l.act(askAt, slip.Command{Action: slip.ActionRequestExtension, Actor: l.deptActor(), Reason: pick(rng, seedExtensionReasons), Deadline: proposed.String()}) {
		return
	}
	approved := rng.IntN(5) > 0
	decideAt := l.afterWorkingDays(askAt, 1+rng.IntN(3))
	cmd := slip.Command{Action: slip.ActionDecideExtension, Actor: pick(rng, seedOfficeClerks), Approved: &approved, Comment: "理由不充分，请按原时限办结"}
	if approved {
		cmd.Comment = "同意延期"
		if day := calendar.DateOf(decideAt); day.After(proposed) {
			// Decided after a long holiday: the date asked for has passed.
			cmd.Deadline = l.g.onOrAfter(day.AddDays(7)).String()
		}
	}
	l.act(decideAt, cmd)
}

// progress reports n times, spread evenly until before.
func (l *seedLife) progress(before time.Time, n int) {
	from := l.last
	for k := 1; k <= n; k++ {
		at := from.Add(before.Sub(from) * time.Duration(k) / time.Duration(n+1))
		if !at.After(l.last) {
			continue
		}
		text := fmt.Sprintf(pick(l.rng, seedProgressTexts), 100*k/(n+1))
		l.act(at, slip.Command{Action: slip.ActionProgress, Actor: l.deptActor(), Text: text})
	}
}

func (l *seedLife) resolution() slip.Command {
	return slip.Command{Action: slip.ActionResolve, Actor: l.deptActor(), Summary: pick(l.rng, seedResolveSummaries),
		Evidence: seedEvidence[l.rng.IntN(len(seedEvidence))]}
}

// act fires the reminders due by at, then applies cmd at at, unless Now or
// the slip's end comes first. It reports whether cmd was applied.
func (l *seedLife) act(at time.Time, cmd slip.Command) bool {
	if l.done {
		return false
	}
	if at.After(l.g.now) {
		l.remindUntil(l.g.now)
		l.done = true
		return false
	}
	l.remindUntil(at)
	if l.done {
		return false
	}
	cmd.ActorRole = slip.ActedBy(cmd.Action)
	deadline := l.s.EffectiveDeadline()
	ev, err := l.s.Apply(cmd, at)
	if err != nil {
		l.err, l.done = fmt.Errorf("%s at %s: %w", cmd.Action, at.Format(time.DateTime), err), true
		return false
	}
	l.events = append(l.events, ev)
	l.last = at
	if l.s.EffectiveDeadline() != deadline {
		l.replan(at)
	}
	if l.s.Status.Terminal() {
		l.done = true
	}
	return true
}

// remindUntil fires the planned reminders due by t, as the workflow's timers
// do, and plans further when the plan runs out.
func (l *seedLife) remindUntil(t time.Time) {
	for !l.done && len(l.plan) > 0 && !l.plan[0].At.After(t) {
		r := l.plan[0]
		l.plan = l.plan[1:]
		if ev, ok := l.s.Remind(r, r.At); ok {
			l.events = append(l.events, ev)
		}
		if len(l.plan) == 0 {
			l.replan(r.At)
		}
	}
}

func (l *seedLife) replan(after time.Time) {
	plan, err := l.g.planner.Plan(*l.s, after)
	if err != nil {
		l.err, l.done = err, true
		return
	}
	l.plan = plan
}

// finish fires the reminders up to Now of a slip still open.
func (l *seedLife) finish() error {
	if !l.done {
		l.remindUntil(l.g.now)
	}
	return l.err
}

// afterWorkingDays is a time of day n working days after t (n = 0: later the
// same day, or the next working day once the office has closed).
func (l *seedLife) afterWorkingDays(t time.Time, n int) time.Time {
	at := l.workTime(l.g.addWorking(calendar.DateOf(t), n))
	if at.After(t) {
		return at
	}
	if later := t.Add(time.Duration(10+l.rng.IntN(120)) * time.Minute); later.Hour() < 18 && calendar.DateOf(later) == calendar.DateOf(t) {
		return later
	}
	return l.workTime(l.g.addWorking(calendar.DateOf(t), 1))
}

// workTime is a random instant of office hours (08:30–18:00) on working day d
// or the next one.
func (l *seedLife) workTime(d calendar.Date) time.Time {
	return l.g.onOrAfter(d).At(8, 30).Add(time.Duration(l.rng.IntN(570*60)) * time.Second)
}

// deptActor is a clerk of the lead department.
func (l *seedLife) deptActor() string {
	code := l.s.Draft.LeadDepartment
	h := fnv.New32a()
	_, _ = h.Write([]byte(code))
	return l.g.names[code] + seedClerks[int(h.Sum32()%uint32(len(seedClerks)))]
}

// daysBetween is how many calendar days to lies after from (0 if not after).
func daysBetween(from, to calendar.Date) int {
	if !to.After(from) {
		return 0
	}
	return int(to.At(12, 0).Sub(from.At(12, 0)).Round(time.Hour).Hours() / 24)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// seedDept is a department Seed may create, with what kind of unit it is.
type seedDept struct {
	slip.Department
	kind seedKind
}

// seedDepartmentList names n departments: the municipal bureaus, then the
// districts and counties, then their street offices (街道办事处) and towns
// (镇人民政府), taken district by district in turn so that every district
// has some.
func seedDepartmentList(n int) []seedDept {
	out := make([]seedDept, 0, n)
	for _, b := range seedBureaus {
		out = append(out, seedDept{slip.Department{Code: b[0], Name: b[1]}, kindBureau})
	}
	for _, d := range seedDistricts {
		out = append(out, seedDept{slip.Department{Code: d.code, Name: d.name}, kindDistrict})
	}
	for j := range seedStreets {
		for _, d := range seedDistricts {
			out = append(out, seedDept{slip.Department{
				Code: fmt.Sprintf("%s-%02d", d.code, j+1), Name: d.short + d.places[j] + d.street + d.office, ParentCode: d.code,
			}, kindStreet})
		}
	}
	return out[:min(n, len(out))]
}

// seedBureaus are the municipal departments, by code and name. The codes of
// the first three match the demo departments of `duban dev`.
var seedBureaus = [][2]string{
	{"fgw", "市发展和改革委员会"}, {"zjj", "市住房和城乡建设局"}, {"jtj", "市交通运输局"},
	{"jyj", "市教育局"}, {"kjj", "市科学技术局"}, {"gxj", "市工业和信息化局"},
	{"gaj", "市公安局"}, {"mzj", "市民政局"}, {"sfj", "市司法局"},
	{"czj", "市财政局"}, {"rsj", "市人力资源和社会保障局"}, {"zrzyj", "市自然资源和规划局"},
	{"sthjj", "市生态环境局"}, {"slj", "市水利局"}, {"nyncj", "市农业农村局"},
	{"swj", "市商务局"}, {"wlj", "市文化广电旅游局"}, {"wjw", "市卫生健康委员会"},
	{"tyjrj", "市退役军人事务局"}, {"yjglj", "市应急管理局"}, {"sjj", "市审计局"},
	{"gzw", "市人民政府国有资产监督管理委员会"}, {"scjgj", "市市场监督管理局"}, {"tyj", "市体育局"},
	{"tjj", "市统计局"}, {"ybj", "市医疗保障局"}, {"cgj", "市城市管理局"},
	{"xzspj", "市行政审批服务局"}, {"xfj", "市信访局"}, {"sjglj", "市数据局"},
	{"jrb", "市委金融办"}, {"jgswj", "市机关事务管理局"}, {"lyj", "市林业局"},
	{"ylj", "市园林绿化局"}, {"lsj", "市粮食和物资储备局"}, {"rfb", "市人民防空办公室"},
	{"zfb", "市人民政府办公室"}, {"mzw", "市民族宗教事务委员会"}, {"jjzd", "市公安局交通警察支队"},
	{"xfzd", "市消防救援支队"}, {"swju", "国家税务总局市税务局"}, {"gdgs", "国网市供电公司"},
	{"rqjt", "市燃气集团有限公司"}, {"swjt", "市水务集团有限公司"}, {"ctjt", "市城市建设投资集团"},
	{"qxj", "市气象局"}, {"yzglj", "市邮政管理局"}, {"zgh", "市总工会"},
	{"fl", "市妇女联合会"}, {"cl", "市残疾人联合会"},
}

// seedDistrict is a district or county and how its streets or towns are named.
type seedDistrict struct {
	code, name, short string
	street, office    string   // 街道 + 办事处, or 镇 + 人民政府
	places            []string // names of its streets or towns
}

var seedDistricts = []seedDistrict{
	{"dcq", "东城区人民政府", "东城区", "街道", "办事处", seedStreets},
	{"xcq", "西城区人民政府", "西城区", "街道", "办事处", seedStreets},
	{"nhq", "南湖区人民政府", "南湖区", "街道", "办事处", seedStreets},
	{"bsq", "北山区人民政府", "北山区", "街道", "办事处", seedStreets},
	{"ljq", "临江区人民政府", "临江区", "街道", "办事处", seedStreets},
	{"gxq", "高新区管理委员会", "高新区", "街道", "办事处", seedStreets},
	{"jkq", "经开区管理委员会", "经开区", "街道", "办事处", seedStreets},
	{"qsx", "青山县人民政府", "青山县", "镇", "人民政府", seedTowns},
	{"smx", "石门县人民政府", "石门县", "镇", "人民政府", seedTowns},
	{"bhx", "白河县人民政府", "白河县", "镇", "人民政府", seedTowns},
}

// seedStreets and seedTowns name a district's streets and a county's towns;
// both lists have the same length.
var (
	seedStreets = []string{
		"人民路", "解放路", "和平", "建设", "新华", "文化", "胜利", "光明", "中山", "长江", "朝阳", "东风",
		"红旗", "幸福", "滨江", "白云", "金桥", "南门", "北关", "西湖", "东湖", "站前", "府前", "大学城",
	}
	seedTowns = []string{
		"城关", "龙泉", "凤凰", "石桥", "白沙", "黄龙", "清溪", "柳林", "三河", "马坊", "杨柳", "双塔",
		"高桥", "新集", "古城", "青石", "桃源", "梅林", "槐树", "河口", "岭南", "东岗", "西坝", "金鸡",
	}
)

// seedCategory is a kind of work: who usually leads it, which city leader is
// in charge, and what its slips say.
type seedCategory struct {
	leader string
	owners []string
	titles []string
}

var seedCategories = map[string]seedCategory{
	"营商环境": {"王常务副市长", []string{"fgw", "scjgj", "xzspj", "swj", "gxj", "sjglj"}, []string{
		"解决{company}用电报装周期长问题", "推进{d}“高效办成一件事”改革", "清理拖欠{d}中小企业账款",
		"压缩{d}工程建设项目审批时间至{n}个工作日", "整治涉企违规收费问题", "落实{d}惠企政策直达快享"}},
	"城市建设": {"李副市长", []string{"zjj", "cgj", "zrzyj", "ylj", "ctjt"}, []string{
		"推进{c}老旧小区改造", "整治{r}占道经营和乱停乱放问题", "解决{c}雨污管网混接问题",
		"加快{r}道路改造工程进度", "完成{s}背街小巷整治提升", "推进{c}加装电梯工作"}},
	"生态环保": {"刘副市长", []string{"sthjj", "slj", "cgj", "lyj"}, []string{
		"整改{river}水质超标问题", "治理{s}餐饮油烟扰民问题", "整治{d}建筑工地扬尘污染",
		"清理{river}沿岸垃圾堆放点", "推进{d}黑臭水体治理", "整改{company}超标排放问题"}},
	"民生保障": {"陈副市长", []string{"mzj", "rsj", "ybj", "tyjrj", "swjt", "rqjt"}, []string{
		"解决{c}供暖不达标问题", "推进{s}社区养老服务中心建设", "解决{c}停车难问题",
		"落实{d}困难群众救助政策", "解决{c}二次供水水压不足问题", "推进{s}菜市场提档升级"}},
	"安全生产": {"杨副市长", []string{"yjglj", "gaj", "xfzd", "jtj", "rqjt"}, []string{
		"开展{d}燃气安全专项整治", "整改{company}消防安全隐患", "排查{d}自建房安全隐患",
		"整治{r}交通事故多发路段", "加强{s}电动自行车充电安全管理"}},
	"乡村振兴": {"赵副市长", []string{"nyncj", "slj", "lyj"}, []string{
		"推进{s}农村人居环境整治", "完成{d}高标准农田建设任务", "解决{s}农村饮水安全问题",
		"推进{d}特色产业发展", "整改{s}农村公路安全隐患"}},
	"项目建设": {"王常务副市长", []string{"fgw", "zrzyj", "zjj", "czj", "ctjt"}, []string{
		"加快{project}建设进度", "解决{project}征地拆迁遗留问题", "推进{project}开工建设", "协调{project}要素保障"}},
	"信访积案": {"周秘书长", []string{"xfj", "zjj", "rsj", "sfj"}, []string{
		"化解{c}房产证办理遗留问题", "解决{c}业主与物业纠纷", "处理{company}拖欠农民工工资问题", "化解{d}征收补偿信访积案"}},
	"教育医疗": {"陈副市长", []string{"jyj", "wjw", "ybj"}, []string{
		"解决{d}义务教育学位紧张问题", "推进{d}人民医院新院区建设", "完善{s}社区卫生服务中心功能", "规范{d}校外培训机构管理"}},
	"交通出行": {"李副市长", []string{"jtj", "jjzd", "gaj", "ctjt"}, []string{
		"优化{r}公交线路和站点设置", "解决{r}早晚高峰拥堵问题", "推进{project}通车工作", "完善{d}公共充电设施布局"}},
}

var (
	seedRoads = []string{"中山路", "解放大道", "人民路", "建设路", "滨江大道", "朝阳路", "长江路", "黄河路",
		"北京路", "上海路", "新华路", "文化路", "迎宾大道", "环城东路", "环城西路", "工业大道"}
	seedCommunities = []string{"幸福里", "阳光花园", "锦绣家园", "翠苑", "金色家园", "和谐新村", "电力新村", "纺织厂宿舍",
		"机械厂宿舍", "春晖园", "桂花园", "丽景湾", "明珠花园", "东方名城", "滨江一号", "书香门第"}
	seedCompanies = []string{"市第二纺织厂", "华兴建材有限公司", "恒达物流园", "东方商贸城", "城南农贸市场",
		"鑫源化工有限公司", "宏远建筑工程公司", "明星机械厂", "金桥工业园", "新天地购物广场"}
	seedRivers   = []string{"青山河", "白河", "南湖", "清水河", "护城河", "龙溪"}
	seedProjects = []string{"地铁3号线一期工程", "城东污水处理厂扩建工程", "市第一人民医院新院区", "高铁站综合交通枢纽",
		"环城快速路东段", "滨江公园二期", "市体育中心", "智能制造产业园", "保障性租赁住房项目", "城北片区棚户区改造"}
	seedRequirements = []string{"制定整改方案，明确责任人和时间节点", "实行挂图作战、对账销号", "举一反三，建立长效机制",
		"每周报送工作进展", "加强统筹协调，确保按期完成"}
	seedOfficeClerks     = []string{"督查室张敏", "督查室王磊", "督查室刘洋", "督查室陈静"}
	seedClerks           = []string{"李强", "王芳", "赵军", "孙丽", "周伟", "吴敏", "郑涛", "冯雪", "何平", "许婷"}
	seedCancelReasons    = []string{"事项已由上级统一部署，撤销本次交办", "经核实，事项不属于交办范围", "与其他交办事项重复，予以撤销"}
	seedSendBackComments = []string{"整改不彻底，现场仍有问题", "佐证材料不全，请补充完善", "群众仍不满意，请继续跟进",
		"办理结果与交办要求不符，请重新办理"}
	seedExtensionReasons = []string{"涉及跨部门协调，需延长办理时限", "受天气影响，施工进度滞后", "需等待上级审批",
		"资金尚未到位，需调整计划"}
	seedProgressTexts = []string{"已制定工作方案，明确责任分工，完成约%d%%", "已召开专题协调会，完成总工作量的%d%%",
		"已完成现场排查，正在组织整改，进度%d%%", "按计划推进，已完成%d%%"}
	seedResolveSummaries = []string{"已按要求完成整改，经现场核查达到预期目标", "已全部办结，群众满意",
		"已完成整改并建立长效管理机制"}
	seedEvidence = [][]string{{"整改报告.pdf", "现场照片.zip"}, {"验收报告.pdf"}, {"办理情况说明.docx", "整改前后对比照片.zip"}}
)
