package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCaselessKeywords: a keyword is looked for in the text as it is only
// when no character but its own lowercases to each of its characters; any
// letter, a Latin one or one that merely looks caseless, keeps LOWER.
func TestCaselessKeywords(t *testing.T) {
	for _, q := range []string{"河", "整治", "加装电梯", "100%", "5_6", "2.5", "ひらがな", "カタカナ", "한국", "ㄅ", "，、。", "河 道"} {
		assert.Equal(t, "(title || '') LIKE ? ESCAPE '!' OR (content || '') LIKE ? ESCAPE '!'", textHas(q), "%q", q)
	}
	for _, q := range []string{
		"abc", "pm2.5", "河a",
		"k",      // the Kelvin sign lowercases to k
		"i",      // U+0130 (İ) lowercases to i
		"\u0131", // ı, a letter without a case partner
		"ａ",      // fullwidth letters have case
		"ⅰ",      // so do Roman numerals
		"ⓐ",      // and circled letters
		"σ", "ς", // final sigma
	} {
		assert.Equal(t, "LOWER(title) LIKE ? ESCAPE '!' OR LOWER(content) LIKE ? ESCAPE '!'", textHas(q), "%q", q)
	}
	assert.Equal(t, []any{"%100!%!_!!%", "%100!%!_!!%"}, textHasArgs("100%_!"))
}
