package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/duban-gov/duban/slip"
)

const actorKey = "actor"

// requireActor records who acts. Until identities arrive it trusts the
// X-Actor header; handlers only ever read actor(c), so an authenticated
// identity replaces this one function.
func requireActor(c *gin.Context) {
	a := strings.TrimSpace(c.GetHeader("X-Actor"))
	switch {
	case a == "":
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody{Error: errorDetail{Code: "missing_actor", Message: "请在 X-Actor 请求头中注明操作人"}})
		return
	case !utf8.ValidString(a) || utf8.RuneCountInString(a) > slip.MaxShortText:
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody{Error: errorDetail{Code: "invalid_actor", Message: "X-Actor 须为不超过 100 字的 UTF-8 文本"}})
		return
	}
	c.Set(actorKey, a)
	c.Next()
}

func actor(c *gin.Context) string { return c.GetString(actorKey) }

// decodeJSON reads exactly one JSON value into dst, refusing unknown fields
// and trailing data. An empty body is allowed when emptyOK, leaving dst as is.
func decodeJSON(c *gin.Context, dst any, emptyOK bool) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if errors.Is(err, io.EOF) && emptyOK {
		return nil
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{status: http.StatusRequestEntityTooLarge, code: "body_too_large", message: fmt.Sprintf("请求体超过 %d 字节", MaxBodyBytes)}
		}
		if errors.Is(err, io.EOF) {
			return badRequest("invalid_json", "请求体不能为空")
		}
		return badRequest("invalid_json", "请求体不是有效的 JSON 或含有未知字段："+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("invalid_json", "请求体在 JSON 之后还有多余内容")
	}
	return nil
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
