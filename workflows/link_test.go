package workflows_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// TestWebhookLinksToTheSlipPage: a DingTalk or WeCom message opens the
// slip's page in the browser (which asks for a login when needed), never
// the JSON API.
func TestWebhookLinksToTheSlipPage(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	got := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		got <- body
	}))
	defer srv.Close()
	id := pendingDelivery(t, st, srv.URL)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	acts := newActivities(t, st)
	acts.PublicURL = "https://duban.example.gov.cn/"
	workflows.Register(env, acts)
	env.ExecuteWorkflow(workflows.DeliveryWorkflowName, id)
	require.NoError(t, env.GetWorkflowError())
	body := <-got
	assert.Equal(t, "https://duban.example.gov.cn/slips/s1", body["link"])
}
