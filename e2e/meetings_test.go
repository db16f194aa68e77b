package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/sheetimport/sheettest"
	"github.com/duban-gov/duban/store"
)

type previewView struct {
	ID      string `json:"id"`
	Summary struct {
		Rows, Ready, Blocked, Issued, Skipped, Problems int
	} `json:"summary"`
	Rows []struct {
		Line           int      `json:"line"`
		LeadDepartment string   `json:"lead_department"`
		CoDepartments  []string `json:"co_departments"`
		Number         string   `json:"number"`
		Issues         []struct {
			Code     string `json:"code"`
			Blocking bool   `json:"blocking"`
		} `json:"issues"`
	} `json:"rows"`
}

type outcomeView struct {
	Issued, Existing, Failed, Skipped, Problems int
	Rows                                        []struct {
		Line   int    `json:"line"`
		Status string `json:"status"`
		Number string `json:"number"`
		Error  *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"rows"`
}

// failures lists the failed rows with their errors, for a test's message.
func (o outcomeView) failures() []string {
	var out []string
	for _, r := range o.Rows {
		if r.Status == "failed" && r.Error != nil {
			out = append(out, fmt.Sprintf("line %d: %s %s", r.Line, r.Error.Code, r.Error.Message))
		}
	}
	return out
}

type meetingView struct {
	Meeting struct {
		ID          string   `json:"id"`
		ClosureRate *float64 `json:"closure_rate"`
		Counts      struct {
			Assigned, Closed, Cancelled, Open, Red, Yellow, Green int64
		} `json:"counts"`
	} `json:"meeting"`
	Problems struct {
		Count              int64    `json:"count"`
		Closed             int64    `json:"closed"`
		ClosureRate        *float64 `json:"closure_rate"`
		MeasureClosureRate *float64 `json:"measure_closure_rate"`
		Measures           struct {
			Assigned, Closed int64
		} `json:"measures"`
		Items []struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Status   string `json:"status"`
			Measures struct{ Assigned, Closed int64 }
		} `json:"items"`
	} `json:"problems"`
}

func (s *system) newMeeting(t *testing.T, title string) string {
	t.Helper()
	var m struct {
		ID string `json:"id"`
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/meetings", map[string]any{
		"kind": "new_year", "title": title, "date": time.Now().In(calendar.Zone).Format(time.DateOnly), "chair": "市长",
		"place": "市民中心", "attendees": []string{"王副市长", "各县（市、区）主要负责人"}, "minutes": "现场交办",
	}, s.as("office")...).json(t, &m)
	return m.ID
}

func (s *system) uploadTable(t *testing.T, meetingID, name string, data []byte) reply {
	t.Helper()
	return s.do(t, "POST", "/api/v1/meetings/"+meetingID+"/imports?name="+urlQuery(name), string(data), s.as("office")...)
}

// patientClient lets one request run for minutes: a confirm issues hundreds
// of slips, which on a busy machine takes longer than the harness's usual
// minute. These tests count what was issued; the import's speed is
// measured by BenchmarkImport313Embedded, not here.
func (s *system) patientClient() { s.http.Timeout = 10 * time.Minute }

func (s *system) meetingView(t *testing.T, id string) meetingView {
	t.Helper()
	var v meetingView
	s.must(t, http.StatusOK, "GET", "/api/v1/meetings/"+id, nil, s.as("office")...).json(t, &v)
	return v
}

func (s *system) slipCount(t *testing.T) int64 {
	t.Helper()
	var page ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?page_size=1", nil, s.as("office")...).json(t, &page)
	return page.Total
}

// closeSlip drives one slip from 待签收 to 已销号 as its lead unit and the office.
func (s *system) closeSlip(t *testing.T, id, lead string) {
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+id+"/acknowledge", nil, s.as(lead)...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+id+"/resolution", map[string]any{"summary": "已完成", "evidence": []string{"验收报告.pdf"}}, s.as(lead)...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+id+"/review", map[string]any{"passed": true}, s.as("office")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/slips/"+id+"/signoff", nil, s.as("office")...)
}

// closeAll closes the slips (id → lead) eight at a time.
func (s *system) closeAll(t *testing.T, slips map[string]string) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for id, lead := range slips {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.closeSlip(t, id, lead)
		}()
	}
	wg.Wait()
}

func (s *system) meetingSlips(t *testing.T, query string) []slipView {
	t.Helper()
	var all []slipView
	cursor := ""
	for {
		var page ledgerPage
		s.must(t, http.StatusOK, "GET", "/api/v1/slips?page_size=200&"+query+"&cursor="+urlQuery(cursor), nil, s.as("office")...).json(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// TestMeetingTableOf313Rows is the issue's done-condition: a generated
// 313-row table of 新春第一会 imports and issues in one request, a retried
// confirm and the same file uploaded again issue nothing, and after 305
// closures the meeting shows 97.4.
func TestMeetingTableOf313Rows(t *testing.T) {
	s := startWith(t, calendarAhead(t)) // "20个工作日" from today
	s.patientClient()
	s.seedDepartments(t)
	s.must(t, http.StatusOK, "POST", "/api/v1/department-aliases", map[string]string{"alias": "住建委", "department_code": "zjj"}, s.as("admin")...)
	mid := s.newMeeting(t, "2026年新春第一会")

	deadline := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	rows := sheettest.MeetingRows(313, []string{"住建局", "市发展和改革委员会", "交通局", "住建委"}, deadline)
	for i := range rows {
		if i%3 == 0 {
			rows[i][4] = "发改委、交通局" // co-units by short name
		}
		if i%5 == 0 {
			rows[i][6] = "20个工作日"
		}
	}
	file, err := sheettest.XLSX("2026年新春第一会交办事项清单", sheettest.Header, rows)
	if err != nil {
		t.Fatal(err)
	}

	var p previewView
	r := s.uploadTable(t, mid, "新春第一会.xlsx", file)
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r.json(t, &p)
	if p.Summary.Rows != 313 || p.Summary.Ready != 313 || p.Summary.Blocked != 0 {
		t.Fatalf("preview summary %+v", p.Summary)
	}
	if got := p.Rows[3]; got.LeadDepartment != "zjj" || strings.Join(got.CoDepartments, ",") != "fgw,jtj" {
		t.Fatalf("row 4 read as %+v", got)
	}
	if s.slipCount(t) != 0 {
		t.Fatal("a preview issued slips")
	}

	began := time.Now()
	var out outcomeView
	s.must(t, http.StatusOK, "POST", "/api/v1/imports/"+p.ID+"/confirm", map[string]any{}, s.as("office")...).json(t, &out)
	t.Logf("313 rows issued in one request in %.1f s on the %s ledger", time.Since(began).Seconds(), ledgerDialect())
	if out.Issued != 313 || out.Failed != 0 || out.Existing != 0 {
		t.Fatalf("confirm: %+v", out)
	}
	var prog struct {
		Status      string `json:"status"`
		Total, Done int
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/imports/"+p.ID, nil, s.as("office")...).json(t, &prog)
	if prog.Status != store.ImportDone || prog.Total != 313 || prog.Done != 313 {
		t.Fatalf("progress %+v", prog)
	}
	if n := s.slipCount(t); n != 313 {
		t.Fatalf("ledger has %d slips, want 313", n)
	}

	// A retried confirm issues nothing.
	var again outcomeView
	s.must(t, http.StatusOK, "POST", "/api/v1/imports/"+p.ID+"/confirm", map[string]any{}, s.as("office")...).json(t, &again)
	if again.Issued != 0 || again.Existing != 313 {
		t.Fatalf("retried confirm: %+v", again)
	}
	// The same table uploaded again: every row is already issued.
	var p2 previewView
	s.uploadTable(t, mid, "新春第一会（再次上传）.xlsx", file).json(t, &p2)
	if p2.Summary.Issued != 313 || p2.Summary.Ready != 0 {
		t.Fatalf("re-upload preview %+v", p2.Summary)
	}
	var third outcomeView
	s.must(t, http.StatusOK, "POST", "/api/v1/imports/"+p2.ID+"/confirm", nil, s.as("office")...).json(t, &third)
	if third.Issued != 0 || third.Existing != 313 {
		t.Fatalf("re-upload confirm: %+v", third)
	}
	if n := s.slipCount(t); n != 313 {
		t.Fatalf("ledger has %d slips after re-import, want 313", n)
	}

	// 305 of the 313 signed off: 97.4.
	items := s.meetingSlips(t, "meeting="+mid)
	if len(items) != 313 {
		t.Fatalf("meeting lists %d slips", len(items))
	}
	toClose := map[string]string{}
	for _, it := range items[:305] {
		toClose[it.ID] = it.LeadDepartment
	}
	s.closeAll(t, toClose)
	v := s.meetingView(t, mid)
	if v.Meeting.ClosureRate == nil || *v.Meeting.ClosureRate != 97.4 || v.Meeting.Counts.Closed != 305 || v.Meeting.Counts.Open != 8 || v.Meeting.Counts.Assigned != 313 {
		t.Fatalf("meeting %+v rate %v", v.Meeting.Counts, v.Meeting.ClosureRate)
	}
	if c := v.Meeting.Counts; c.Red+c.Yellow+c.Green != c.Open {
		t.Fatalf("三色 %+v do not add up to the open slips", c)
	}
}

// TestProblemListOf190Problems imports a 问题清单 whose problem column groups
// 568 measures under 190 problems, and counts problems and measures apart.
func TestProblemListOf190Problems(t *testing.T) {
	s := start(t)
	s.patientClient()
	s.seedDepartments(t)
	mid := s.newMeeting(t, "2026年营商环境短板整改推进会")
	units := []string{"住建局", "发改委", "交通局"}
	deadline := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	var rows [][]string
	for p := range 190 {
		n := 3
		if p < 188 { // 188×3 + 2×2 = 568
			n = 3
		} else {
			n = 2
		}
		for m := range n {
			rows = append(rows, []string{fmt.Sprintf("问题%d：审批环节多", p+1), fmt.Sprintf("措施%d-%d：压减审批事项", p+1, m+1), units[m], deadline})
		}
	}
	file, err := sheettest.XLSX("问题清单", []string{"问题", "整改措施", "责任单位", "完成时限"}, rows)
	if err != nil {
		t.Fatal(err)
	}
	var p previewView
	s.uploadTable(t, mid, "问题清单.xlsx", file).json(t, &p)
	if p.Summary.Rows != 568 || p.Summary.Ready != 568 || p.Summary.Problems != 190 {
		t.Fatalf("preview %+v", p.Summary)
	}
	var out outcomeView
	s.must(t, http.StatusOK, "POST", "/api/v1/imports/"+p.ID+"/confirm", nil, s.as("office")...).json(t, &out)
	if out.Issued != 568 || out.Problems != 190 {
		t.Fatalf("confirm: %d issued, %d failed %v, %d problems", out.Issued, out.Failed, out.failures(), out.Problems)
	}
	v := s.meetingView(t, mid)
	if v.Problems.Count != 190 || v.Problems.Measures.Assigned != 568 || v.Problems.Closed != 0 {
		t.Fatalf("problems %d, measures %d", v.Problems.Count, v.Problems.Measures.Assigned)
	}

	// Close every measure of the first problem: it awaits acceptance, and
	// is closed only when the office accepts it.
	first := v.Problems.Items[0]
	if first.Measures.Assigned != 3 || first.Status != "open" {
		t.Fatalf("first problem %+v", first)
	}
	measures := s.meetingSlips(t, "problem="+first.ID)
	s.must(t, http.StatusConflict, "POST", "/api/v1/problems/"+first.ID+"/accept", nil, s.as("office")...)
	toClose := map[string]string{}
	for _, m := range measures {
		toClose[m.ID] = m.LeadDepartment
	}
	s.closeAll(t, toClose)
	var pv struct {
		Status string `json:"status"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/problems/"+first.ID, nil, s.as("leader")...).json(t, &pv)
	if pv.Status != "ready" {
		t.Fatalf("problem with every measure closed is %s", pv.Status)
	}
	s.must(t, http.StatusForbidden, "POST", "/api/v1/problems/"+first.ID+"/accept", nil, s.as("leader")...)
	s.must(t, http.StatusOK, "POST", "/api/v1/problems/"+first.ID+"/accept", nil, s.as("office")...).json(t, &pv)
	if pv.Status != "closed" {
		t.Fatalf("accepted problem is %s", pv.Status)
	}
	s.must(t, http.StatusConflict, "POST", "/api/v1/problems/"+first.ID+"/accept", nil, s.as("office")...)
	v = s.meetingView(t, mid)
	if v.Problems.Closed != 1 || v.Problems.ClosureRate == nil || *v.Problems.ClosureRate != 0.5 ||
		v.Problems.Measures.Closed != 3 || v.Problems.MeasureClosureRate == nil || *v.Problems.MeasureClosureRate != 0.5 {
		t.Fatalf("problems %d closed (%v), measures %d closed (%v)", v.Problems.Closed, v.Problems.ClosureRate, v.Problems.Measures.Closed, v.Problems.MeasureClosureRate)
	}
	// A department sees no meeting pages, only its own slips in the ledger.
	s.must(t, http.StatusForbidden, "GET", "/api/v1/meetings/"+mid, nil, s.as("zjj")...)
	var own ledgerPage
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?meeting="+mid+"&page_size=1", nil, s.as("jtj")...).json(t, &own)
	if own.Total != 188 {
		t.Fatalf("交通局 sees %d of the meeting's slips, want its 188 (one measure of each of 188 problems)", own.Total)
	}
}

// TestImportPreviewFixAndRefusals: an unknown unit blocks the confirm
// until the office picks the unit in the preview; bad files are refused
// before anything is issued.
func TestImportPreviewFixAndRefusals(t *testing.T) {
	s := startWith(t, calendarAhead(t)) // a row fixed to "10 working days" from today
	s.seedDepartments(t)
	mid := s.newMeeting(t, "2026年3月晒比会")
	deadline := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	past := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
	csv := "2026年3月晒比会交办事项\n事项内容,牵头单位,配合单位,办结时限,紧急程度\n" +
		"修缮学校围墙,住建局,,," + deadline + ",急办\n" +
		"清理拖欠工程款,城管局,,," + deadline + ",\n" +
		"整治道路积水,交通局,,," + past + ",\n" +
		"修缮学校围墙,住建局,,," + deadline + ",\n" +
		"加快项目审批,发改委,,年底前,\n"
	csv = strings.ReplaceAll(csv, ",,,", ",,")
	var p previewView
	r := s.uploadTable(t, mid, "晒比会.csv", []byte(csv))
	if r.status != http.StatusCreated {
		t.Fatalf("upload %d %s", r.status, r.body)
	}
	r.json(t, &p)
	codes := map[int][]string{}
	for _, row := range p.Rows {
		for _, is := range row.Issues {
			codes[row.Line] = append(codes[row.Line], is.Code)
		}
	}
	want := map[int]string{3: "matched_by_abbreviation", 4: "unknown_unit", 5: "deadline_in_past", 6: "duplicate_row", 7: "bad_deadline"}
	for line, code := range want {
		if !strings.Contains(strings.Join(codes[line], ","), code) {
			t.Errorf("line %d: issues %v, want %s", line, codes[line], code)
		}
	}
	if p.Summary.Blocked != 4 || p.Summary.Ready != 1 {
		t.Fatalf("summary %+v: %s", p.Summary, r.body)
	}
	before := s.slipCount(t)
	r = s.do(t, "POST", "/api/v1/imports/"+p.ID+"/confirm", map[string]any{}, s.as("office")...)
	if r.status != http.StatusUnprocessableEntity || r.errorCode(t) != "rows_invalid" || s.slipCount(t) != before {
		t.Fatalf("confirm with blocked rows: %d %s", r.status, r.body)
	}
	var out outcomeView
	s.must(t, http.StatusOK, "POST", "/api/v1/imports/"+p.ID+"/confirm", map[string]any{"rows": []map[string]any{
		{"line": 4, "lead_department": "zjj"}, {"line": 5, "deadline": deadline}, {"line": 6, "skip": true},
		{"line": 7, "deadline_working_days": 10},
	}}, s.as("office")...).json(t, &out)
	if out.Issued != 4 || out.Skipped != 1 || out.Failed != 0 {
		t.Fatalf("confirm %+v", out)
	}
	// A department and a leader may not import.
	for _, who := range []string{"zjj", "leader"} {
		if r := s.uploadTable(t, mid, "x.csv", []byte(csv)); r.status != http.StatusCreated {
			t.Fatalf("office upload again: %d", r.status)
		}
		r := s.do(t, "POST", "/api/v1/meetings/"+mid+"/imports?name=x.csv", csv, s.as(who)...)
		if r.status != http.StatusForbidden {
			t.Fatalf("%s upload: %d", who, r.status)
		}
	}

	count := s.slipCount(t)
	big := strings.Repeat("事项内容,牵头单位\n", 50<<20/27)
	for _, c := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"photo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", http.StatusUnprocessableEntity, "not_spreadsheet"},
		{"big.csv", big, http.StatusRequestEntityTooLarge, "file_too_large"},
		{"f.csv", "事项内容,牵头单位,办结时限\n=1+1,住建局," + deadline + "\n", http.StatusUnprocessableEntity, "formulas_not_allowed"},
	} {
		r := s.uploadTable(t, mid, c.name, []byte(c.body))
		if r.status != c.status || r.errorCode(t) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
		}
	}
	if n := s.slipCount(t); n != count {
		t.Fatalf("refused files changed the ledger: %d → %d slips", count, n)
	}
	// The same item for the same unit at another meeting: a note, not a block.
	other := s.newMeeting(t, "2026年4月晒比会")
	var dup previewView
	s.uploadTable(t, other, "四月.csv", []byte("事项内容,牵头单位,办结时限\n修缮学校围墙,市住房和城乡建设局,"+deadline+"\n")).json(t, &dup)
	if len(dup.Rows) != 1 || len(dup.Rows[0].Issues) != 1 || dup.Rows[0].Issues[0].Code != "duplicate_open_slip" || dup.Rows[0].Issues[0].Blocking {
		t.Fatalf("duplicate of an open slip: %+v", dup.Rows)
	}
	// A made-up import id is not found.
	if r := s.do(t, "POST", "/api/v1/imports/nope/confirm", nil, s.as("office")...); r.status != http.StatusNotFound {
		t.Fatalf("unknown import: %d", r.status)
	}
	_ = context.Background()
}
