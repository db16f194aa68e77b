package e2e

import (
	"net/http"
	"testing"
)

// TestOpenStatusFilterAndStatusLabels: the lifecycle table, not a client,
// says which statuses are open (status=open) and what each is called (each
// timeline event carries its status label), so the browser keeps no copy.
func TestOpenStatusFilterAndStatusLabels(t *testing.T) {
	s := start(t)
	s.seedDepartments(t)
	ids := map[string]string{}
	for _, name := range []string{"issued", "in_progress", "cancelled"} {
		var sl slipView
		s.must(t, http.StatusCreated, "POST", "/api/v1/slips", draft("状态"+name), s.as("office")...).json(t, &sl)
		ids[name] = sl.ID
	}
	s.act(t, "zjj", ids["in_progress"], "acknowledge", nil, http.StatusOK)
	s.act(t, "office", ids["cancelled"], "cancel", map[string]any{"reason": "重复交办"}, http.StatusOK)

	var page struct {
		Items []slipView `json:"items"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips?status=open", nil, s.as("office")...).json(t, &page)
	got := map[string]bool{}
	for _, it := range page.Items {
		got[it.ID] = true
	}
	if len(page.Items) != 2 || !got[ids["issued"]] || !got[ids["in_progress"]] {
		t.Fatalf("status=open listed %d slips: %+v", len(page.Items), page.Items)
	}

	var detail struct {
		Timeline []struct {
			ToStatus      string `json:"to_status"`
			ToStatusLabel string `json:"to_status_label"`
		} `json:"timeline"`
	}
	s.must(t, http.StatusOK, "GET", "/api/v1/slips/"+ids["in_progress"], nil, s.as("zjj")...).json(t, &detail)
	want := []string{"待签收", "办理中"}
	if len(detail.Timeline) != 2 {
		t.Fatalf("timeline: %+v", detail.Timeline)
	}
	for i, e := range detail.Timeline {
		if e.ToStatusLabel != want[i] {
			t.Fatalf("event %d: %s labelled %q, want %q", i+1, e.ToStatus, e.ToStatusLabel, want[i])
		}
	}
}
