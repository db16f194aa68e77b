package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// signDingTalk appends DingTalk's 加签 parameters to a robot URL:
// timestamp is now in Unix milliseconds, and sign is the URL-encoded base64
// of HMAC-SHA256(key: secret, message: timestamp + "\n" + secret). DingTalk
// rejects a timestamp more than an hour away from its own clock, so now must
// be the real time of the request, never the message's At.
//
// Parameters already named timestamp or sign (a clerk may paste a URL signed
// by a test script) are replaced; the rest of the query is kept byte for byte.
func signDingTalk(rawURL, secret string, now time.Time) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	sign := url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil)))

	var kept []string
	for _, pair := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if pair != "" && name != "timestamp" && name != "sign" {
			kept = append(kept, pair)
		}
	}
	u.RawQuery = strings.Join(append(kept, "timestamp="+ts, "sign="+sign), "&")
	return u.String(), nil
}
