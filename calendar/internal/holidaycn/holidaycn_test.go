package holidaycn

import (
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	// Days out of order, a New Year that starts in the previous December, a
	// 调休 Sunday and a listed working Monday (as in 2020-02-03).
	in := `{"year": 2019, "papers": ["https://a.example/1", "https://a.example/2"], "days": [
		{"name": "元旦", "date": "2019-01-01", "isOffDay": true},
		{"name": "元旦", "date": "2018-12-30", "isOffDay": true},
		{"name": "劳动节", "date": "2019-05-05", "isOffDay": false},
		{"name": "春节", "date": "2019-02-11", "isOffDay": false}]}`
	f, ok, err := Convert([]byte(in))
	if err != nil || !ok {
		t.Fatalf("Convert = %v, %v", ok, err)
	}
	want := `# 2019 — 国务院办公厅关于2019年部分节假日安排的通知 https://a.example/1
# 2019 — 调整通知 https://a.example/2
# 由 calendar/internal/gen 从 holiday-cn 2019.json 生成，请勿手改；本地调整请另写 override 文件。
# 未列出的日期按正常周历：周一至周五上班，周六、周日休息。
year 2019
2018-12-30 off 元旦
2019-01-01 off 元旦
2019-02-11 work 春节 正常上班
2019-05-05 work 劳动节 调休上班
`
	if f.Name != "cn-2019.txt" || f.Year != 2019 || string(f.Text) != want {
		t.Errorf("Convert = %s %d\n%s\nwant\n%s", f.Name, f.Year, f.Text, want)
	}
}

func TestConvertEmptyAndBad(t *testing.T) {
	if f, ok, err := Convert([]byte(`{"year": 2027, "papers": [], "days": []}`)); err != nil || ok || f.Year != 2027 {
		t.Errorf("empty year: %+v, %v, %v", f, ok, err)
	}
	tests := []struct{ in, wantErr string }{
		{`{"year": 2026, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`, "outside year 2026"},
		{`{"year": 2026, "days": [{"name": "元旦", "date": "2025-11-30", "isOffDay": true}]}`, "outside year 2026"},
		{`{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}, {"name": "元旦", "date": "2026-01-01", "isOffDay": false}]}`, "listed twice"},
		{`{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01"}]}`, "needs a name and isOffDay"},
		{`{"year": 2026, "days": [{"name": " ", "date": "2026-01-01", "isOffDay": true}]}`, "needs a name and isOffDay"},
		{`{"year": 2026, "days": [{"name": "元旦", "date": "2026-1-1", "isOffDay": true}]}`, "days[0]"},
		{`{"year": 0}`, "year 0"},
		{`not json`, "decode"},
	}
	for _, tt := range tests {
		if _, _, err := Convert([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Convert(%s) error = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}
