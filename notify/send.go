package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Limits of one delivery attempt.
const (
	// DefaultTimeout bounds one attempt when Sender.Client is nil. Keep the
	// activity's StartToClose timeout above it.
	DefaultTimeout = 10 * time.Second
	// MaxResponseBytes is how much of an answer is read; robots answer with
	// a few dozen bytes, and a misconfigured URL must not make us buffer a
	// web page.
	MaxResponseBytes = 64 << 10
	// MaxRetryAfter caps a Retry-After hint, so that a bogus header cannot
	// park a reminder for days.
	MaxRetryAfter = 24 * time.Hour
	// DefaultUserAgent is sent when Sender.UserAgent is empty.
	DefaultUserAgent = "duban-notify/1"

	snippetBytes = 256
)

// Sender posts messages to webhooks. The zero value is ready to use; an
// activity struct holds one so that tests can give it a short timeout and a
// fixed clock.
type Sender struct {
	// Client makes the requests. When nil, a client with DefaultTimeout that
	// does not follow redirects is used. A client given here is used as is;
	// it should not follow redirects either (Go's default client turns a
	// POST into a GET on 301/302, silently losing the message).
	Client *http.Client
	// Now is the clock for DingTalk's signature and Retry-After dates; nil
	// means time.Now.
	Now func() time.Time
	// UserAgent identifies us to the receiver; empty means DefaultUserAgent.
	UserAgent string
	// Targets, when set, guards the client built when Client is nil: every
	// connection is checked after DNS resolution and one to an internal
	// address the allow-list does not name is refused, permanently (see
	// Targets). duban's worker always sets it; nil leaves the client
	// unguarded, for tests whose receivers listen on loopback. A Client given
	// above is used as is and must guard itself.
	Targets *Targets

	once  sync.Once
	built *http.Client
}

// Send delivers m to e once and classifies the outcome: nil on success, a
// *ValidationError for a malformed endpoint or message ID, or a
// *DeliveryError whose Retryable field (see IsRetryable) tells the caller
// whether to try again. Errors never contain the endpoint's URL beyond its
// host.
func (s *Sender) Send(ctx context.Context, e Endpoint, m Message) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("send message %q: %w", m.ID, err)
	}
	if err := validateID(m.ID); err != nil {
		return fmt.Errorf("send message %q: %w", m.ID, err)
	}
	body, err := Payload(e, m)
	if err != nil {
		return fmt.Errorf("send message %s: %w", m.ID, err)
	}
	target := e.URL
	if e.Channel == DingTalk && e.Secret != "" {
		if target, err = signDingTalk(e.URL, e.Secret, s.now()); err != nil {
			return fmt.Errorf("send message %s: sign url: %w", m.ID, redact(err))
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("send message %s: build request: %w", m.ID, redact(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", m.ID)
	req.Header.Set("User-Agent", s.userAgent())

	resp, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("send message %s: %w", m.ID, transportError(e.Channel, err))
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes))
	if de := s.judge(e.Channel, resp, raw, readErr); de != nil {
		return fmt.Errorf("send message %s: %w", m.ID, de)
	}
	return nil
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) userAgent() string {
	if s.UserAgent != "" {
		return s.UserAgent
	}
	return DefaultUserAgent
}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	s.once.Do(func() {
		s.built = &http.Client{
			Timeout: DefaultTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
		if s.Targets != nil {
			// Direct connections only: through a proxy the address checked
			// would be the proxy's, not the webhook's.
			s.built.Transport = &http.Transport{
				DialContext:         s.Targets.DialContext(&net.Dialer{Timeout: DefaultTimeout, KeepAlive: 30 * time.Second}),
				ForceAttemptHTTP2:   true,
				MaxIdleConns:        100,
				IdleConnTimeout:     90 * time.Second,
				TLSHandshakeTimeout: DefaultTimeout,
			}
		}
	})
	return s.built
}

// transportError classifies a request that got no answer. All of these but
// a refused target are retryable: refused connections, DNS failures, resets
// and timeouts are what retries are for, and a bad certificate is as likely
// to be renewed as not. An internal address stays internal.
func transportError(ch Channel, err error) *DeliveryError {
	de := &DeliveryError{Channel: ch, Retryable: true, Err: redact(err), Reason: "无法连接 Webhook 服务器"}
	var ne net.Error
	switch {
	case isTargetError(err):
		de.Retryable, de.Reason = false, targetReason
	case errors.Is(err, context.Canceled):
		de.Reason = "发送被取消"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		de.Reason = "等待 Webhook 服务器应答超时"
	}
	return de
}

// judge classifies an answer; nil means delivered.
//
//	2xx, Generic                        delivered
//	2xx, robot, errcode 0               delivered
//	2xx, robot, errcode ≠ 0             see classifyErrCode
//	2xx, robot, body not {"errcode":…}  permanent: the URL is not a robot's
//	                                     (retrying could post it again)
//	2xx, robot, body cut off            retryable
//	408, 425, 429, 5xx                  retryable; 429 and 503 with Retry-After
//	3xx                                 permanent: redirects are not followed
//	other 4xx                           permanent
func (s *Sender) judge(ch Channel, resp *http.Response, raw []byte, readErr error) *DeliveryError {
	code := resp.StatusCode
	de := &DeliveryError{Channel: ch, StatusCode: code, Body: snippet(raw)}
	switch {
	case code >= 200 && code < 300:
		if ch == Generic {
			return nil
		}
		if readErr != nil {
			de.Retryable, de.Err, de.Reason = true, readErr, "读取应答时连接中断"
			return de
		}
		return judgeErrCode(de, raw)
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly,
		code == http.StatusTooManyRequests, code >= 500:
		de.Retryable = true
		de.Reason = fmt.Sprintf("Webhook 服务器暂时不可用（HTTP %d）", code)
		if code == http.StatusTooManyRequests {
			de.Reason = "发送太频繁，被 Webhook 服务器限流（HTTP 429）"
		}
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			de.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), s.now())
		}
	case code >= 300 && code < 400:
		de.Reason = fmt.Sprintf("Webhook 地址发生了跳转（HTTP %d），请填写跳转后的地址", code)
	default:
		de.Reason = fmt.Sprintf("Webhook 服务器拒绝了消息（HTTP %d），请检查地址和配置", code)
	}
	return de
}

// judgeErrCode reads a robot's {"errcode":N,"errmsg":"…"} answer.
func judgeErrCode(de *DeliveryError, raw []byte) *DeliveryError {
	var ans struct {
		ErrCode *int `json:"errcode"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil || ans.ErrCode == nil {
		de.Reason = fmt.Sprintf("应答不是%s的格式，请确认填写的是%s的 Webhook 地址", de.Channel.Label(), de.Channel.Label())
		return de
	}
	if *ans.ErrCode == 0 {
		return nil
	}
	c := classifyErrCode(de.Channel, *ans.ErrCode)
	de.ErrCode, de.Retryable, de.Reason = *ans.ErrCode, c.retryable, c.reason
	return de
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// Anything unreadable, or in the past, is no hint at all.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// redact strips a *url.Error's URL down to scheme and host: DingTalk's
// access_token, its signature and WeCom's key live in the query.
func redact(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	host := "webhook"
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	return &url.Error{Op: ue.Op, URL: host, Err: ue.Err}
}

// snippet is the start of an answer's body, on one line, for the log.
func snippet(raw []byte) string {
	cut := raw
	if len(cut) > snippetBytes {
		cut = cut[:snippetBytes]
	}
	s := strings.ToValidUTF8(string(cut), "")
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
	if len(raw) > snippetBytes {
		s += "…"
	}
	return s
}
