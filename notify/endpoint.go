package notify

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Channel is the kind of receiver behind a webhook URL; it decides the
// payload format and how the answer is read.
type Channel string

// The channels we can deliver to.
const (
	// Generic receives our own JSON (see Payload) and answers with an HTTP
	// status only.
	Generic Channel = "generic"
	// DingTalk is a 钉钉 group robot (自定义机器人), optionally with 加签.
	DingTalk Channel = "dingtalk"
	// WeCom is a 企业微信 group robot (群机器人).
	WeCom Channel = "wecom"
)

var channelLabels = map[Channel]string{
	Generic:  "通用 Webhook",
	DingTalk: "钉钉机器人",
	WeCom:    "企业微信机器人",
}

// Label is the channel's name as a clerk sees it.
func (c Channel) Label() string {
	if l, ok := channelLabels[c]; ok {
		return l
	}
	return string(c)
}

// MaxURLLength bounds Endpoint.URL; real robot URLs are far shorter.
const MaxURLLength = 2048

// Endpoint is where a department's or a leader's notifications go. The URL of
// a robot carries its access token, so treat the whole Endpoint as a secret:
// errors from this package never repeat the URL's path or query.
type Endpoint struct {
	Channel Channel `json:"channel"`
	URL     string  `json:"url"`
	// Secret is DingTalk's 加签 secret ("SEC…"). Empty when the robot uses
	// keywords or an IP allow-list instead. Other channels take none.
	Secret string `json:"secret,omitempty"`
}

// ValidationError reports a malformed endpoint or message. Message is
// Chinese and meant for the clerk who configured the endpoint.
type ValidationError struct {
	Field   string // "channel", "url", "secret" or "id"
	Message string
}

// Error returns the field and the clerk's message.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Validate checks the endpoint before it is saved and before every send, so
// that a typo is reported to the clerk at once instead of being retried by
// Temporal for hours.
func (e Endpoint) Validate() error {
	if _, ok := channelLabels[e.Channel]; !ok {
		return invalid("channel", "请选择通知渠道：通用 Webhook、钉钉机器人或企业微信机器人")
	}
	if err := validateURL(e.URL); err != nil {
		return err
	}
	return validateSecret(e.Channel, e.Secret)
}

func validateURL(raw string) error {
	switch {
	case strings.TrimSpace(raw) == "":
		return invalid("url", "请填写 Webhook 地址")
	case len(raw) > MaxURLLength:
		return invalid("url", "Webhook 地址过长（最多 %d 个字符）", MaxURLLength)
	case strings.TrimSpace(raw) != raw:
		return invalid("url", "Webhook 地址前后不能有空格")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return invalid("url", "Webhook 地址格式不正确，请复制完整的网址")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return invalid("url", "Webhook 地址必须是 http 或 https 开头的网址")
	}
	if u.Hostname() == "" {
		return invalid("url", "Webhook 地址缺少主机名，例如 https://oapi.dingtalk.com/robot/send?access_token=…")
	}
	return nil
}

func validateSecret(ch Channel, secret string) error {
	if secret == "" {
		return nil
	}
	if ch != DingTalk {
		return invalid("secret", "只有钉钉机器人需要填写加签密钥，%s请留空", ch.Label())
	}
	if strings.IndexFunc(secret, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return invalid("secret", "加签密钥不能包含空格或换行，请从钉钉机器人设置中重新复制")
	}
	return nil
}

// validateID checks that the message ID can travel as a header value: a
// newline there would make the HTTP client fail in a way that looks like a
// network error and would be retried forever.
func validateID(id string) error {
	if id == "" {
		return invalid("id", "消息编号不能为空")
	}
	if len(id) > MaxIDLength {
		return invalid("id", "消息编号过长（最多 %d 个字符）", MaxIDLength)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return invalid("id", "消息编号只能包含英文字母、数字和符号，不能有空格或中文")
		}
	}
	return nil
}
