package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/duban-gov/duban/notify"
)

// fixedNow is the clock every Sender in these tests reads.
var fixedNow = time.Date(2026, 3, 5, 9, 30, 0, 123_000_000, time.UTC)

func fixedClock() time.Time { return fixedNow }

// received is one request a test webhook got.
type received struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// webhook is a real local HTTP server that records what it receives and
// answers with handler.
type webhook struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
}

func newWebhook(t *testing.T, handler http.HandlerFunc) *webhook {
	t.Helper()
	h := &webhook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, received{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		h.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

// answer makes a handler that replies with status, headers and body.
func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func (h *webhook) requests() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.reqs...)
}

func (h *webhook) only(t *testing.T) received {
	t.Helper()
	reqs := h.requests()
	if len(reqs) != 1 {
		t.Fatalf("webhook got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

func sampleMessage() notify.Message {
	return notify.Message{
		ID:         "slip-42-7",
		Kind:       "urge",
		Title:      "【催办】督〔2026〕17号 推进老旧小区改造",
		Text:       "请于 3 月 10 日前报送进展。\n逾期将予以通报。",
		SlipID:     "42",
		SlipNumber: "督〔2026〕17号",
		Department: "zjj",
		Level:      2,
		Link:       "https://duban.example.gov.cn/slips/42",
		At:         time.Date(2026, 3, 5, 17, 30, 0, 0, time.FixedZone("CST", 8*3600)),
	}
}

// TestSendPayloadShape decodes what each channel's server received.
func TestSendPayloadShape(t *testing.T) {
	cases := []struct {
		channel notify.Channel
		answer  string
		want    map[string]any
	}{
		{notify.Generic, "", map[string]any{
			"id": "slip-42-7", "kind": "urge",
			"title":   "【催办】督〔2026〕17号 推进老旧小区改造",
			"text":    "请于 3 月 10 日前报送进展。\n逾期将予以通报。",
			"slip_id": "42", "slip_number": "督〔2026〕17号", "department": "zjj",
			"level": float64(2), "link": "https://duban.example.gov.cn/slips/42",
			"at": "2026-03-05T17:30:00+08:00",
		}},
		{notify.DingTalk, `{"errcode":0,"errmsg":"ok"}`, map[string]any{
			"msgtype": "markdown",
			"markdown": map[string]any{
				"title": "【催办】督〔2026〕17号 推进老旧小区改造",
				"text": "### 【催办】督〔2026〕17号 推进老旧小区改造\n\n" +
					"请于 3 月 10 日前报送进展。\n逾期将予以通报。\n\n" +
					"[查看交办单](https://duban.example.gov.cn/slips/42)",
			},
		}},
		{notify.WeCom, `{"errcode":0,"errmsg":"ok"}`, map[string]any{
			"msgtype": "markdown",
			"markdown": map[string]any{
				"content": "### 【催办】督〔2026〕17号 推进老旧小区改造\n" +
					">请于 3 月 10 日前报送进展。\n>逾期将予以通报。\n\n" +
					"[查看交办单](https://duban.example.gov.cn/slips/42)",
			},
		}},
	}
	for _, c := range cases {
		t.Run(string(c.channel), func(t *testing.T) {
			hook := newWebhook(t, answer(http.StatusOK, c.answer))
			s := &notify.Sender{Now: fixedClock}
			if err := s.Send(context.Background(), notify.Endpoint{Channel: c.channel, URL: hook.URL + "/hook"}, sampleMessage()); err != nil {
				t.Fatalf("Send: %v", err)
			}
			var got map[string]any
			if err := json.Unmarshal(hook.only(t).Body, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("payload\n got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestSendHeaders(t *testing.T) {
	cases := []struct {
		userAgent, want string
	}{
		{"", notify.DefaultUserAgent},
		{"duban/1.4 (+https://duban.example.gov.cn)", "duban/1.4 (+https://duban.example.gov.cn)"},
	}
	for _, c := range cases {
		hook := newWebhook(t, answer(http.StatusNoContent, ""))
		s := &notify.Sender{Now: fixedClock, UserAgent: c.userAgent}
		if err := s.Send(context.Background(), notify.Endpoint{Channel: notify.Generic, URL: hook.URL}, sampleMessage()); err != nil {
			t.Fatal(err)
		}
		r := hook.only(t)
		checks := map[string][2]string{
			"method":          {r.Method, http.MethodPost},
			"Idempotency-Key": {r.Header.Get("Idempotency-Key"), "slip-42-7"},
			"Content-Type":    {r.Header.Get("Content-Type"), "application/json; charset=utf-8"},
			"User-Agent":      {r.Header.Get("User-Agent"), c.want},
		}
		for name, v := range checks {
			if v[0] != v[1] {
				t.Errorf("%s = %q, want %q", name, v[0], v[1])
			}
		}
	}
}

// TestDingTalkSignature recomputes DingTalk's 加签 from the fixed clock and
// compares it with the query the server received.
func TestDingTalkSignature(t *testing.T) {
	const secret = "SEC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
	ts := strconv.FormatInt(fixedNow.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	wantSign := base64.StdEncoding.EncodeToString(mac.Sum(nil))

	cases := []struct {
		name, query, secret string
		signed              bool
	}{
		{"signed", "access_token=abc123", secret, true},
		{"stale signature replaced", "access_token=abc123&timestamp=1&sign=old", secret, true},
		{"no secret, no signature", "access_token=abc123", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hook := newWebhook(t, answer(http.StatusOK, `{"errcode":0,"errmsg":"ok"}`))
			s := &notify.Sender{Now: fixedClock}
			e := notify.Endpoint{Channel: notify.DingTalk, URL: hook.URL + "/robot/send?" + c.query, Secret: c.secret}
			if err := s.Send(context.Background(), e, sampleMessage()); err != nil {
				t.Fatal(err)
			}
			r := hook.only(t)
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			if q.Get("access_token") != "abc123" || r.Path != "/robot/send" {
				t.Errorf("lost the robot's address: %s?%s", r.Path, r.RawQuery)
			}
			if !c.signed {
				if q.Has("sign") || q.Has("timestamp") {
					t.Errorf("unsigned robot got %q", r.RawQuery)
				}
				return
			}
			if len(q["timestamp"]) != 1 || q.Get("timestamp") != ts {
				t.Errorf("timestamp = %v, want [%s]", q["timestamp"], ts)
			}
			if len(q["sign"]) != 1 || q.Get("sign") != wantSign {
				t.Errorf("sign = %v, want [%s]", q["sign"], wantSign)
			}
			if !strings.Contains(r.RawQuery, "sign="+url.QueryEscape(wantSign)) {
				t.Errorf("sign not URL-encoded in %q", r.RawQuery)
			}
		})
	}
}

// TestRobotTruncation sends long Chinese text, offset by 0-2 ASCII bytes so
// that the cut falls on every position within a 3-byte rune.
func TestRobotTruncation(t *testing.T) {
	cases := []struct {
		channel notify.Channel
		limit   int
		offset  string
	}{
		{notify.WeCom, notify.WeComMaxBytes, ""},
		{notify.WeCom, notify.WeComMaxBytes, "a"},
		{notify.WeCom, notify.WeComMaxBytes, "ab"},
		{notify.DingTalk, notify.DingTalkMaxBytes, ""},
		{notify.DingTalk, notify.DingTalkMaxBytes, "a"},
		{notify.DingTalk, notify.DingTalkMaxBytes, "ab"},
	}
	for _, c := range cases {
		t.Run(string(c.channel)+"+"+strconv.Itoa(len(c.offset)), func(t *testing.T) {
			hook := newWebhook(t, answer(http.StatusOK, `{"errcode":0,"errmsg":"ok"}`))
			m := sampleMessage()
			m.Text = c.offset + strings.Repeat("推进老旧小区改造，", 1000)
			s := &notify.Sender{Now: fixedClock}
			if err := s.Send(context.Background(), notify.Endpoint{Channel: c.channel, URL: hook.URL}, m); err != nil {
				t.Fatal(err)
			}
			text := robotText(t, c.channel, hook.only(t).Body)
			if len(text) > c.limit || len(text) < c.limit-3 {
				t.Errorf("%d bytes, want within 3 bytes under the %d limit", len(text), c.limit)
			}
			if !utf8.ValidString(text) {
				t.Errorf("cut inside a rune: %q", text[len(text)-30:])
			}
			if !strings.HasPrefix(text, "### "+m.Title) {
				t.Errorf("title lost: %q", text[:60])
			}
			if !strings.HasSuffix(text, notify.TruncatedMark+"\n\n[查看交办单](https://duban.example.gov.cn/slips/42)") {
				t.Errorf("mark or link lost: %q", text[len(text)-80:])
			}
		})
	}
}

// TestSendOutcomes checks the verdict on each kind of answer.
func TestSendOutcomes(t *testing.T) {
	retryDate := fixedNow.Add(90 * time.Second).Format(http.TimeFormat)
	huge := strings.Repeat("错", 1<<20)
	cases := []struct {
		name       string
		channel    notify.Channel
		handler    http.HandlerFunc
		ok         bool
		retryable  bool
		retryAfter time.Duration
		status     int
		errCode    int
	}{
		{name: "generic 200", channel: notify.Generic, handler: answer(200, "ok"), ok: true},
		{name: "generic 204", channel: notify.Generic, handler: answer(204, ""), ok: true},
		{name: "dingtalk errcode 0", channel: notify.DingTalk, handler: answer(200, `{"errcode":0,"errmsg":"ok"}`), ok: true},
		{name: "wecom errcode 0", channel: notify.WeCom, handler: answer(200, `{"errcode":0,"errmsg":"ok"}`), ok: true},

		{name: "500", channel: notify.Generic, handler: answer(500, "boom"), retryable: true, status: 500},
		{name: "502 on wecom", channel: notify.WeCom, handler: answer(502, "<html>bad gateway</html>"), retryable: true, status: 502},
		{name: "503 Retry-After date", channel: notify.Generic, handler: answer(503, "", "Retry-After", retryDate), retryable: true, retryAfter: 90*time.Second - 123*time.Millisecond, status: 503}, // HTTP dates drop fixedNow's milliseconds
		{name: "429 Retry-After 7", channel: notify.Generic, handler: answer(429, "slow down", "Retry-After", "7"), retryable: true, retryAfter: 7 * time.Second, status: 429},
		{name: "429 unreadable Retry-After", channel: notify.Generic, handler: answer(429, "", "Retry-After", "later"), retryable: true, status: 429},
		{name: "408", channel: notify.Generic, handler: answer(408, ""), retryable: true, status: 408},
		{name: "500 with a huge body", channel: notify.Generic, handler: answer(500, huge), retryable: true, status: 500},

		{name: "400", channel: notify.Generic, handler: answer(400, `{"error":"bad"}`), status: 400},
		{name: "404", channel: notify.DingTalk, handler: answer(404, "not found"), status: 404},
		{name: "redirect not followed", channel: notify.Generic, handler: answer(302, "", "Location", "/moved"), status: 302},

		{name: "dingtalk 310000", channel: notify.DingTalk, handler: answer(200, `{"errcode":310000,"errmsg":"keywords not in content"}`), status: 200, errCode: 310000},
		{name: "dingtalk 300001", channel: notify.DingTalk, handler: answer(200, `{"errcode":300001,"errmsg":"token is not exist"}`), status: 200, errCode: 300001},
		{name: "dingtalk 130101", channel: notify.DingTalk, handler: answer(200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`), retryable: true, status: 200, errCode: 130101},
		{name: "dingtalk -1", channel: notify.DingTalk, handler: answer(200, `{"errcode":-1,"errmsg":"系统繁忙"}`), retryable: true, status: 200, errCode: -1},
		{name: "dingtalk unknown errcode", channel: notify.DingTalk, handler: answer(200, `{"errcode":777777,"errmsg":"something new"}`), retryable: true, status: 200, errCode: 777777},
		{name: "wecom 93000", channel: notify.WeCom, handler: answer(200, `{"errcode":93000,"errmsg":"invalid webhook url"}`), status: 200, errCode: 93000},
		{name: "wecom 40008", channel: notify.WeCom, handler: answer(200, `{"errcode":40008,"errmsg":"invalid message type"}`), status: 200, errCode: 40008},
		{name: "wecom 45009", channel: notify.WeCom, handler: answer(200, `{"errcode":45009,"errmsg":"api freq out of limit"}`), retryable: true, status: 200, errCode: 45009},
		{name: "dingtalk html page", channel: notify.DingTalk, handler: answer(200, "<html>欢迎</html>"), status: 200},
		{name: "wecom empty object", channel: notify.WeCom, handler: answer(200, `{}`), status: 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hook := newWebhook(t, c.handler)
			s := &notify.Sender{Now: fixedClock}
			err := s.Send(context.Background(), notify.Endpoint{Channel: c.channel, URL: hook.URL + "/hook"}, sampleMessage())
			if n := len(hook.requests()); n != 1 {
				t.Errorf("webhook got %d requests, want 1", n)
			}
			if c.ok {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("Send = %v, want a *DeliveryError", err)
			}
			if notify.IsRetryable(err) != c.retryable || de.Retryable != c.retryable {
				t.Errorf("retryable = %t, want %t: %v", de.Retryable, c.retryable, err)
			}
			if de.RetryAfter != c.retryAfter {
				t.Errorf("RetryAfter = %s, want %s", de.RetryAfter, c.retryAfter)
			}
			if de.StatusCode != c.status || de.ErrCode != c.errCode {
				t.Errorf("status %d errcode %d, want %d %d", de.StatusCode, de.ErrCode, c.status, c.errCode)
			}
			if de.Reason == "" || !containsHan(de.Reason) {
				t.Errorf("no Chinese reason for the clerk: %q", de.Reason)
			}
			if len(de.Body) > 300 || len(err.Error()) > 1000 {
				t.Errorf("body snippet %d bytes, error %d bytes: too long for a log line", len(de.Body), len(err.Error()))
			}
			if !strings.Contains(err.Error(), "slip-42-7") {
				t.Errorf("error %q does not name the message", err)
			}
		})
	}
}

// TestSendNoAnswer covers requests that get no answer: all retryable.
func TestSendNoAnswer(t *testing.T) {
	release := make(chan struct{})
	hang := newWebhook(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before hang.Close

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := "http://" + l.Addr().String()
	l.Close()

	short := &http.Client{Timeout: 200 * time.Millisecond}
	cases := []struct {
		name    string
		sender  *notify.Sender
		ctx     func() (context.Context, context.CancelFunc)
		url     string
		timeout bool
	}{
		{"client timeout", &notify.Sender{Client: short, Now: fixedClock}, background, hang.URL, true},
		{"context deadline", &notify.Sender{Now: fixedClock}, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, hang.URL, true},
		{"closed port", &notify.Sender{Client: short, Now: fixedClock}, background, closedPort, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := c.ctx()
			defer cancel()
			e := notify.Endpoint{Channel: notify.DingTalk, URL: c.url + "/robot/send?access_token=TOPSECRET", Secret: "SECdontleak"}
			start := time.Now()
			err := c.sender.Send(ctx, e, sampleMessage())
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %s", elapsed)
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) || !notify.IsRetryable(err) || de.StatusCode != 0 {
				t.Fatalf("Send = %v, want a retryable DeliveryError without status", err)
			}
			var ne net.Error
			if isTimeout := errors.As(err, &ne) && ne.Timeout(); isTimeout != c.timeout {
				t.Errorf("timeout = %t, want %t: %v", isTimeout, c.timeout, err)
			}
			for _, secret := range []string{"TOPSECRET", "access_token", "sign=", "/robot/send"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

// TestSendRejectsBadInput checks that configuration faults are reported
// without a request and are not retryable.
func TestSendRejectsBadInput(t *testing.T) {
	hook := newWebhook(t, answer(200, "ok"))
	cases := []struct {
		name     string
		endpoint notify.Endpoint
		id       string
		field    string
	}{
		{"ftp endpoint", notify.Endpoint{Channel: notify.Generic, URL: "ftp://" + strings.TrimPrefix(hook.URL, "http://")}, "slip-1-1", "url"},
		{"unknown channel", notify.Endpoint{Channel: "fax", URL: hook.URL}, "slip-1-1", "channel"},
		{"empty id", notify.Endpoint{Channel: notify.Generic, URL: hook.URL}, "", "id"},
		{"id with newline", notify.Endpoint{Channel: notify.Generic, URL: hook.URL}, "slip-1\r\nX-Evil: 1", "id"},
		{"id in Chinese", notify.Endpoint{Channel: notify.Generic, URL: hook.URL}, "督办-1", "id"},
		{"id too long", notify.Endpoint{Channel: notify.Generic, URL: hook.URL}, strings.Repeat("x", notify.MaxIDLength+1), "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sampleMessage()
			m.ID = c.id
			err := (&notify.Sender{Now: fixedClock}).Send(context.Background(), c.endpoint, m)
			var ve *notify.ValidationError
			if !errors.As(err, &ve) || ve.Field != c.field {
				t.Fatalf("Send = %v, want a ValidationError on %s", err, c.field)
			}
			if notify.IsRetryable(err) {
				t.Errorf("configuration fault marked retryable: %v", err)
			}
		})
	}
	if n := len(hook.requests()); n != 0 {
		t.Errorf("webhook got %d requests for bad input", n)
	}
}

func TestIsRetryable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("x"), false},
		{"validation", &notify.ValidationError{Field: "url", Message: "请填写 Webhook 地址"}, false},
		{"retryable", &notify.DeliveryError{Retryable: true}, true},
		{"wrapped retryable", errors.Join(errors.New("activity"), &notify.DeliveryError{Retryable: true}), true},
		{"permanent", &notify.DeliveryError{StatusCode: 400}, false},
	}
	for _, c := range cases {
		if got := notify.IsRetryable(c.err); got != c.want {
			t.Errorf("%s: IsRetryable = %t, want %t", c.name, got, c.want)
		}
	}
}
