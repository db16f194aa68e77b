package workflows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/duban-gov/duban/slip"
	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
	"github.com/duban-gov/duban/workflows"
)

// hook is a local webhook receiver that answers each call with the next
// status of a script (the last one repeats), and remembers what it got.
type hook struct {
	mu     sync.Mutex
	script []int
	keys   []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
	status := h.script[min(len(h.keys), len(h.script))-1]
	w.WriteHeader(status)
}

func (h *hook) calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.keys...)
}

// pendingDelivery stores a slip, a webhook for its lead department at url
// and a notification, and returns the delivery to send.
func pendingDelivery(t *testing.T, st *store.Store, url string) int64 {
	ctx := context.Background()
	for _, code := range []string{"fgw", "zjj"} {
		_, err := st.CreateDepartment(ctx, slip.Department{Code: code, Name: code})
		require.NoError(t, err)
	}
	sl := reminderSlip()
	sl.Status, sl.Seq = slip.StatusIssued, 1
	_, err := st.RecordIssued(ctx, sl)
	require.NoError(t, err)
	_, err = st.CreateWebhook(ctx, store.Webhook{DepartmentCode: "zjj", Channel: "generic", URL: url})
	require.NoError(t, err)
	sid := "s1"
	ids, err := st.Notify(ctx, []store.Notification{{DedupeKey: "k1", RecipientKind: store.RecipientDepartment, Recipient: "zjj",
		SlipID: &sid, Kind: "urge", Level: 1, Title: "【催办】", Body: "请立即办理", CreatedAt: at("2026-10-08", 9, 0)}})
	require.NoError(t, err)
	require.Len(t, ids, 1)
	return ids[0]
}

// runDelivery runs the delivery workflow of id to its end, with time skipped
// over every retry backoff.
func runDelivery(t *testing.T, st *store.Store, id int64) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	workflows.Register(env, newActivities(t, st))
	env.ExecuteWorkflow(workflows.DeliveryWorkflowName, id)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
}

func delivery(t *testing.T, st *store.Store, id int64) store.Delivery {
	j, err := st.DeliveryJob(context.Background(), id)
	require.NoError(t, err)
	return j.Delivery
}

// TestWebhookDeliveryRetriesThenSucceeds: a receiver failing twice with 503
// gets the message on the third attempt, the same Idempotency-Key each time.
func TestWebhookDeliveryRetriesThenSucceeds(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	h := &hook{script: []int{503, 500, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	id := pendingDelivery(t, st, srv.URL)

	runDelivery(t, st, id)

	calls := h.calls()
	require.Len(t, calls, 3)
	assert.Equal(t, calls[0], calls[2], "retries carry the same Idempotency-Key")
	d := delivery(t, st, id)
	assert.Equal(t, store.DeliverySent, d.Status)
	assert.Equal(t, 3, d.Attempts)
}

// TestWebhookDeliveryGivesUpVisibly: a permanent refusal (404) is not
// retried, and a receiver that is down for a whole day is retried with
// backoff until the delivery expires; both end marked failed, not lost.
func TestWebhookDeliveryGivesUpVisibly(t *testing.T) {
	for _, c := range []struct {
		name        string
		status      int
		minAttempts int
		maxAttempts int
	}{
		{"permanent 404", 404, 1, 1},
		{"down all day", 500, 10, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.Open(t, store.SQLite)
			h := &hook{script: []int{c.status}}
			srv := httptest.NewServer(h)
			defer srv.Close()
			id := pendingDelivery(t, st, srv.URL)

			runDelivery(t, st, id)

			d := delivery(t, st, id)
			assert.Equal(t, store.DeliveryFailed, d.Status)
			assert.GreaterOrEqual(t, d.Attempts, c.minAttempts)
			assert.LessOrEqual(t, d.Attempts, c.maxAttempts)
			assert.Equal(t, d.Attempts, len(h.calls()))
			assert.NotEmpty(t, d.LastError)
		})
	}
}

// TestDeadWebhookNeverHoldsUpTheSlip: with the lead department's webhook
// pointing at a closed port, every reminder still fires at its instant and
// the slip closes; each notification got a delivery row.
func TestDeadWebhookNeverHoldsUpTheSlip(t *testing.T) {
	h := newHarnessAt(t, at(issuedDay, 10, 0))
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	_, err := h.store.CreateWebhook(context.Background(), store.Webhook{DepartmentCode: "zjj", Channel: "wecom", URL: deadURL})
	require.NoError(t, err)
	h.sendAt(at("2026-09-23", 15, 0), slip.ActionAcknowledge, slip.Command{})
	h.sendAt(at("2026-10-09", 10, 0), slip.ActionResolve, slip.Command{Summary: "已完成", Evidence: []string{"照片"}})
	h.sendAt(at("2026-10-09", 11, 0), slip.ActionPassReview, slip.Command{})
	h.sendAt(at("2026-10-09", 12, 0), slip.ActionSignOff, slip.Command{})
	final := h.runSlip(reminderSlip())
	require.Equal(t, slip.StatusClosed, final.Status)

	_, events := h.ledger()
	assert.Equal(t, []fired{
		{slip.ActionIssue, "2026-09-22 10:00"},
		{slip.EventAckReminder, "2026-09-23 09:00"},
		{slip.ActionAcknowledge, "2026-09-23 15:00"},
		{slip.EventDueReminder, "2026-09-24 09:00"},
		{slip.EventDueReminder, "2026-09-29 09:00"},
		{slip.EventDueReminder, "2026-09-30 09:00"},
		{slip.EventUrge, "2026-10-08 09:00"},
		{slip.ActionResolve, "2026-10-09 10:00"},
		{slip.ActionPassReview, "2026-10-09 11:00"},
		{slip.ActionSignOff, "2026-10-09 12:00"},
	}, timeline(events))
	deliveries, err := h.store.ListDeliveries(context.Background(), "zjj", 100)
	require.NoError(t, err)
	assert.Len(t, deliveries, 5, "one delivery per reminder to zjj")
}
