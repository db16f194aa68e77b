package meeting

import (
	"fmt"

	"github.com/duban-gov/duban/slip"
)

func conflict(code, format string, args ...any) error {
	return &slip.Error{Kind: slip.KindConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}
