package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/jsonbody"
	"github.com/duban-gov/duban/slip"
)

// decodeJSON reads exactly one JSON value into dst, refusing invalid UTF-8,
// unknown or differently cased field names, duplicate keys and trailing
// data (jsonbody.Decode). An empty body is allowed when emptyOK, leaving dst as is.
func decodeJSON(c *gin.Context, dst any, emptyOK bool) error {
	err := jsonbody.Decode(c.Request.Body, dst, emptyOK)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jsonbody.ErrTooLarge):
		return &httpError{status: http.StatusRequestEntityTooLarge, code: "body_too_large", message: fmt.Sprintf("请求体超过 %d 字节", MaxBodyBytes)}
	case errors.Is(err, jsonbody.ErrEmpty):
		return badRequest("invalid_json", "请求体不能为空")
	case errors.Is(err, jsonbody.ErrTrailing):
		return badRequest("invalid_json", "请求体在 JSON 之后还有多余内容")
	case errors.Is(err, jsonbody.ErrInvalidUTF8):
		return badRequest("invalid_json", "请求体不是有效的 UTF-8 编码")
	}
	var bad *calendar.DateError
	if errors.As(err, &bad) {
		if bad.NoSuchDay {
			return slip.Invalid("", "日期 %q 不存在，请检查年月日", bad.Input)
		}
		return slip.Invalid("", "日期格式应为 YYYY-MM-DD，收到 %q", bad.Input)
	}
	return badRequest("invalid_json", "请求体不是有效的 JSON 或含有未知字段："+err.Error())
}

// allowQuery refuses query parameters other than the named ones, so that a
// typo in a filter is an error instead of a silently unfiltered ledger.
func allowQuery(c *gin.Context, names ...string) error {
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	for k := range c.Request.URL.Query() {
		if !known[k] {
			return badRequest("unknown_parameter", fmt.Sprintf("不支持的查询参数 %q，可用：%s", k, strings.Join(names, ", ")))
		}
	}
	return nil
}

// idempotencyKey is the request's Idempotency-Key header, trimmed; longer
// than 200 characters is 400.
func idempotencyKey(c *gin.Context) (string, error) {
	key := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	if len(key) > 200 {
		return "", badRequest("invalid_idempotency_key", "Idempotency-Key 不能超过 200 个字符")
	}
	return key, nil
}
