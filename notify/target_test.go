package notify_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/duban-gov/duban/notify"
)

// TestSendRefusesInternalTargets: a guarded sender connects to no loopback
// address — given as an IP or as a name that resolves to one, which only a
// check after resolution catches (DNS rebinding looks the same) — unless
// the allow-list names the address or the name; a refusal is permanent,
// says why in Chinese, and the receiver never hears of it.
func TestSendRefusesInternalTargets(t *testing.T) {
	hook := newWebhook(t, answer(200, "ok"))
	port := strings.TrimPrefix(hook.URL, "http://127.0.0.1:")
	for _, c := range []struct {
		name, allow, url string
		delivered        bool
	}{
		{"loopback IP", "", "http://127.0.0.1:" + port, false},
		{"a name resolving to loopback", "", "http://localhost:" + port, false},
		{"IPv4-mapped IPv6 loopback", "", "http://[::ffff:127.0.0.1]:" + port, false},
		{"another allowed range", "10.0.0.0/8, hooks.internal", "http://127.0.0.1:" + port, false},
		{"loopback IP allowed", "127.0.0.1", "http://127.0.0.1:" + port, true},
		{"loopback range allowed", "127.0.0.0/8", "http://localhost:" + port, true},
		{"the name allowed", "LOCALHOST.", "http://localhost:" + port, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			targets, err := notify.ParseTargets(c.allow)
			if err != nil {
				t.Fatal(err)
			}
			before := len(hook.requests())
			s := &notify.Sender{Now: fixedClock, Targets: targets}
			err = s.Send(context.Background(), notify.Endpoint{Channel: notify.Generic, URL: c.url + "/hook"}, sampleMessage())
			got := len(hook.requests()) - before
			if c.delivered {
				if err != nil || got != 1 {
					t.Fatalf("Send = %v with %d requests, want delivered", err, got)
				}
				return
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) || notify.IsRetryable(err) || !strings.Contains(de.Reason, "内网") {
				t.Fatalf("Send = %v, want a permanent refusal of the target", err)
			}
			if got != 0 {
				t.Errorf("the refused receiver got %d requests", got)
			}
		})
	}
}

// TestCheckURLRefusesInternalHosts is the check when a webhook is saved.
func TestCheckURLRefusesInternalHosts(t *testing.T) {
	none, _ := notify.ParseTargets("")
	some, err := notify.ParseTargets("10.20.0.0/16 192.168.1.5,hooks.internal")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		targets *notify.Targets
		url     string
		ok      bool
	}{
		{none, "http://127.0.0.1:8080/x", false},
		{none, "http://localhost/x", false},
		{none, "http://[::1]/x", false},
		{none, "http://169.254.169.254/latest/meta-data", false},
		{none, "http://10.20.3.4/hook", false},
		{none, "http://172.16.0.1/hook", false},
		{none, "http://192.168.1.5/hook", false},
		{none, "http://100.64.0.1/hook", false},
		{none, "http://0.0.0.0:9090/metrics", false},
		{none, "http://[fe80::1]/hook", false},
		{none, "http://[fd00::1]/hook", false},
		{none, "http://[::ffff:10.0.0.1]/hook", false},
		{none, "https://203.0.113.9/robot/send", true},
		{none, "https://[2001:db8::1]/hook", true},
		{none, "https://no-such-host.invalid/hook", true}, // decided when sending
		{nil, "http://127.0.0.1/x", false},
		{some, "http://10.20.3.4/hook", true},
		{some, "http://10.21.3.4/hook", false},
		{some, "http://192.168.1.5/hook", true},
		{some, "http://192.168.1.6/hook", false},
		{some, "http://hooks.internal/hook", true},
	} {
		err := c.targets.CheckURL(context.Background(), c.url)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok=%t", c.url, err, c.ok)
		}
		var ve *notify.ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.Field != "url") {
			t.Errorf("%s: %v, want a ValidationError on url", c.url, err)
		}
	}
	for _, bad := range []string{"http://x", "[::1]:80", "10.0.0.0/33"} {
		if _, err := notify.ParseTargets(bad); err == nil {
			t.Errorf("ParseTargets(%q) accepted", bad)
		}
	}
}

// TestDeliveryErrorsCarryNoAnswer: the error of a refused delivery, which
// is stored where the department reads it, does not repeat the receiver's
// answer — an internal page, a robot's errmsg.
func TestDeliveryErrorsCarryNoAnswer(t *testing.T) {
	for _, c := range []struct {
		channel notify.Channel
		handler http.HandlerFunc
	}{
		{notify.Generic, answer(500, "<html>admin console, build 7f3a, db=10.0.0.7</html>")},
		{notify.Generic, answer(404, "admin console")},
		{notify.DingTalk, answer(200, `{"errcode":777777,"errmsg":"admin console"}`)},
		{notify.WeCom, answer(200, `<html>admin console</html>`)},
	} {
		hook := newWebhook(t, c.handler)
		err := (&notify.Sender{Now: fixedClock}).Send(context.Background(), notify.Endpoint{Channel: c.channel, URL: hook.URL}, sampleMessage())
		var de *notify.DeliveryError
		if !errors.As(err, &de) {
			t.Fatalf("%s: Send = %v, want a DeliveryError", c.channel, err)
		}
		if strings.Contains(err.Error(), "admin console") || strings.Contains(de.Reason, "admin console") {
			t.Errorf("%s: the answer leaks into %q", c.channel, err)
		}
	}
}
