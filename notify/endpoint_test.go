package notify_test

import (
	"strings"
	"testing"

	"github.com/duban-gov/duban/notify"
)

func TestEndpointValidate(t *testing.T) {
	cases := []struct {
		name     string
		endpoint notify.Endpoint
		field    string // "" means valid
		message  string // checked when not empty
	}{
		{"generic https", notify.Endpoint{Channel: notify.Generic, URL: "https://hooks.example.gov.cn/duban"}, "", ""},
		{"generic http with port", notify.Endpoint{Channel: notify.Generic, URL: "http://10.1.2.3:8080/hook"}, "", ""},
		{"generic ipv6", notify.Endpoint{Channel: notify.Generic, URL: "http://[::1]:8080/hook"}, "", ""},
		{"dingtalk without secret", notify.Endpoint{Channel: notify.DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc"}, "", ""},
		{"dingtalk with secret", notify.Endpoint{Channel: notify.DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "SEC0123abcdef"}, "", ""},
		{"wecom", notify.Endpoint{Channel: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"}, "", ""},

		{"ftp", notify.Endpoint{Channel: notify.Generic, URL: "ftp://files.example.gov.cn/hook"}, "url", "Webhook 地址必须是 http 或 https 开头的网址"},
		{"empty", notify.Endpoint{Channel: notify.Generic, URL: ""}, "url", "请填写 Webhook 地址"},
		{"blank", notify.Endpoint{Channel: notify.Generic, URL: "   "}, "url", "请填写 Webhook 地址"},
		{"no host", notify.Endpoint{Channel: notify.Generic, URL: "https://"}, "url", ""},
		{"port but no host", notify.Endpoint{Channel: notify.Generic, URL: "https://:8080/hook"}, "url", ""},
		{"opaque http", notify.Endpoint{Channel: notify.Generic, URL: "http:hooks.example.gov.cn"}, "url", ""},
		{"javascript", notify.Endpoint{Channel: notify.Generic, URL: "javascript:alert(1)"}, "url", "Webhook 地址必须是 http 或 https 开头的网址"},
		{"scheme-relative", notify.Endpoint{Channel: notify.Generic, URL: "//hooks.example.gov.cn/duban"}, "url", ""},
		{"no scheme", notify.Endpoint{Channel: notify.Generic, URL: "oapi.dingtalk.com/robot/send"}, "url", ""},
		{"surrounding space", notify.Endpoint{Channel: notify.Generic, URL: " https://hooks.example.gov.cn/duban"}, "url", "Webhook 地址前后不能有空格"},
		{"control character", notify.Endpoint{Channel: notify.Generic, URL: "https://hooks.example.gov.cn/\x7f"}, "url", ""},
		{"too long", notify.Endpoint{Channel: notify.Generic, URL: "https://h.example/" + strings.Repeat("a", notify.MaxURLLength)}, "url", ""},
		{"no channel", notify.Endpoint{URL: "https://hooks.example.gov.cn/duban"}, "channel", ""},
		{"unknown channel", notify.Endpoint{Channel: "slack", URL: "https://hooks.example.gov.cn/duban"}, "channel", ""},
		{"secret on wecom", notify.Endpoint{Channel: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", Secret: "SEC1"}, "secret", ""},
		{"secret on generic", notify.Endpoint{Channel: notify.Generic, URL: "https://hooks.example.gov.cn/duban", Secret: "s"}, "secret", ""},
		{"secret with newline", notify.Endpoint{Channel: notify.DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "SEC0123\n"}, "secret", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.endpoint.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			ve, ok := err.(*notify.ValidationError)
			if !ok {
				t.Fatalf("Validate() = %v (%T), want *ValidationError", err, err)
			}
			if ve.Field != c.field {
				t.Errorf("field = %q, want %q (message %q)", ve.Field, c.field, ve.Message)
			}
			if c.message != "" && ve.Message != c.message {
				t.Errorf("message = %q, want %q", ve.Message, c.message)
			}
			if !containsHan(ve.Message) {
				t.Errorf("message %q is not Chinese for the clerk", ve.Message)
			}
		})
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
