package lists_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/duban-gov/duban/internal/seed"
	"github.com/duban-gov/duban/lists"
	"github.com/duban-gov/duban/slip"
)

func TestValidateRefusesBadLists(t *testing.T) {
	for _, l := range seed.Lists() {
		assert.NoError(t, l.Validate(), l.Code)
	}
	l := seed.Lists()[0]
	l.Components[0].Weight = 35 // 35 + 30 + 30
	err := slip.AsError(l.Validate())
	if assert.NotNil(t, err) {
		assert.Equal(t, lists.CodeWeightsSum, err.Code)
		assert.Equal(t, slip.KindUnprocessable, err.Kind)
		assert.Contains(t, err.Message, "现为 95")
	}
	l = seed.Lists()[2]
	l.Members = append(l.Members, lists.Member{Code: "wuma", Name: "五马街道", Group: "乡镇"})
	err = slip.AsError(l.Validate())
	if assert.NotNil(t, err) {
		assert.Equal(t, lists.CodeMemberTwice, err.Code)
	}
	l = seed.Lists()[0]
	l.Components = append(l.Components, lists.Component{Kind: lists.FromSlips, Name: "督办", Weight: 0.5})
	assert.Equal(t, "slips_need_departments", slip.AsError(l.Validate()).Code)
}

func TestComputeWithoutData(t *testing.T) {
	l := seed.Lists()[1]
	st := lists.Compute(l, "2026-11", lists.Scores{}, nil)
	for _, e := range st.Groups[0].Entries {
		assert.True(t, e.NoData)
		assert.Equal(t, 0, e.Rank)
	}
	assert.Empty(t, st.Groups[0].RedList)
	assert.Empty(t, st.Groups[0].BlackList)
}
