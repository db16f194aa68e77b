package evidence

import (
	"errors"
	"fmt"
	"strings"
)

// TypeError says a file is not of an accepted type (by its content).
type TypeError struct {
	Name   string
	Reason string
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("%s：%s；只接受 %s", e.Name, e.Reason, strings.Join(Accepted(), " "))
}

// TooLargeError says a file grew past the limit.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("文件超过大小上限 %s", HumanSize(e.Limit))
}

// ErrEmpty is a file with no bytes.
var ErrEmpty = errors.New("文件为空")

// ErrNotFound is a blob that is not stored.
var ErrNotFound = errors.New("evidence blob not found")

// HumanSize writes n bytes as Chinese readers expect (KB, MB, GB).
func HumanSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}
