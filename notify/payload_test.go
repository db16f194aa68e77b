package notify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/duban-gov/duban/notify"
)

// robotText decodes a robot payload and returns its markdown text.
func robotText(t *testing.T, ch notify.Channel, body []byte) string {
	t.Helper()
	var p struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Title   string `json:"title"`
			Text    string `json:"text"`
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("payload is not JSON: %v\n%s", err, body)
	}
	if p.MsgType != "markdown" {
		t.Fatalf("msgtype = %q, want markdown", p.MsgType)
	}
	if ch == notify.WeCom {
		return p.Markdown.Content
	}
	return p.Markdown.Text
}

// TestPayloadNeutralisesMarkdown checks the few places where a clerk's
// words are changed, and that everything else arrives verbatim.
func TestPayloadNeutralisesMarkdown(t *testing.T) {
	cases := []struct {
		name     string
		channel  notify.Channel
		msg      notify.Message
		contains []string
		absent   []string
	}{
		{
			name:     "title on one line",
			channel:  notify.DingTalk,
			msg:      notify.Message{Title: "【督办】第一行\n第二行\r\n第三行", Text: "正文"},
			contains: []string{"### 【督办】第一行 第二行  第三行\n\n正文"},
		},
		{
			name:     "javascript link dropped",
			channel:  notify.DingTalk,
			msg:      notify.Message{Title: "t", Text: "正文", Link: "javascript:alert(1)"},
			absent:   []string{"javascript", "查看交办单"},
			contains: []string{"### t\n\n正文"},
		},
		{
			name:     "link cannot escape its parentheses",
			channel:  notify.WeCom,
			msg:      notify.Message{Title: "t", Link: "https://duban.example.gov.cn/slips/a(1) b"},
			contains: []string{"[查看交办单](https://duban.example.gov.cn/slips/a%281%29%20b)"},
		},
		{
			name:     "html and emoji verbatim",
			channel:  notify.WeCom,
			msg:      notify.Message{Title: "🚨 通报", Text: "<script>alert('x')</script> & 🎉"},
			contains: []string{"### 🚨 通报\n><script>alert('x')</script> & 🎉"},
		},
		{
			name:     "every wecom line quoted",
			channel:  notify.WeCom,
			msg:      notify.Message{Title: "t", Text: "一\r\n二\r三\n\n四", Link: "https://d.example/s/1"},
			contains: []string{"### t\n>一\n>二\n>三\n>\n>四\n\n[查看交办单](https://d.example/s/1)"},
		},
		{
			name:     "control characters dropped",
			channel:  notify.DingTalk,
			msg:      notify.Message{Title: "t\x00", Text: "响铃\x07\x1b[31m红\t字"},
			contains: []string{"### t\n\n响铃[31m红\t字"},
			absent:   []string{"\x00", "\x07", "\x1b"},
		},
		{
			name:     "invalid utf-8 replaced",
			channel:  notify.WeCom,
			msg:      notify.Message{Title: "t\xff", Text: "a\xc3"},
			contains: []string{"### t\uFFFD\n>a\uFFFD"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := notify.Payload(notify.Endpoint{Channel: c.channel}, c.msg)
			if err != nil {
				t.Fatal(err)
			}
			text := robotText(t, c.channel, body)
			for _, s := range c.contains {
				if !strings.Contains(text, s) {
					t.Errorf("text %q does not contain %q", text, s)
				}
			}
			for _, s := range c.absent {
				if strings.Contains(text, s) {
					t.Errorf("text %q contains %q", text, s)
				}
			}
		})
	}
}

func TestPayloadUnknownChannel(t *testing.T) {
	_, err := notify.Payload(notify.Endpoint{Channel: "sms"}, notify.Message{ID: "x"})
	if _, ok := err.(*notify.ValidationError); !ok {
		t.Fatalf("Payload(sms) error = %v, want *ValidationError", err)
	}
}

// FuzzPayload asserts that any title and text give valid JSON within the
// robots' limits. Without -fuzz it runs the seeds only.
func FuzzPayload(f *testing.F) {
	f.Add("【催办】督〔2026〕17号 推进老旧小区改造", "请于 3 月 10 日前报送进展。\n逾期将予以通报。")
	f.Add("", "")
	f.Add("<script>alert(1)</script>", "](javascript:x)\n```\n### \x00\x1b")
	f.Add("\xff\xfe", strings.Repeat("督", 2000))
	f.Add(strings.Repeat("题", 3000), "🚨🎉"+strings.Repeat("a", 5000))
	f.Fuzz(func(t *testing.T, title, text string) {
		m := notify.Message{ID: "slip-1-1", Title: title, Text: text, Link: "https://duban.example.gov.cn/slips/1"}
		for _, ch := range []notify.Channel{notify.Generic, notify.DingTalk, notify.WeCom} {
			body, err := notify.Payload(notify.Endpoint{Channel: ch}, m)
			if err != nil {
				t.Fatalf("%s: %v", ch, err)
			}
			if !json.Valid(body) {
				t.Fatalf("%s: invalid JSON %q", ch, body)
			}
			if ch == notify.Generic {
				var g struct{ Title, Text string }
				if err := json.Unmarshal(body, &g); err != nil {
					t.Fatal(err)
				}
				if utf8.ValidString(title) && utf8.ValidString(text) && (g.Title != title || g.Text != text) {
					t.Fatalf("generic payload changed the words: %q %q", g.Title, g.Text)
				}
				continue
			}
			s := robotText(t, ch, body)
			limit := notify.DingTalkMaxBytes
			if ch == notify.WeCom {
				limit = notify.WeComMaxBytes
			}
			if len(s) > limit || !utf8.ValidString(s) {
				t.Fatalf("%s: %d bytes (limit %d), valid UTF-8 %t", ch, len(s), limit, utf8.ValidString(s))
			}
		}
	})
}
