package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/store/storetest"
)

// TestDeliveriesShowNeitherAnswersNorWorkers: what a department reads about
// its deliveries never holds the receiver's answer nor the worker's identity,
// neither from a row written now (the workflow's reason for giving up names
// the worker as pid@host) nor from one written by an older version, which
// stored both in last_error.
func TestDeliveriesShowNeitherAnswersNorWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedDepartments(t, st, "zjj")
		_, err := st.CreateWebhook(ctx, store.Webhook{DepartmentCode: "zjj", Channel: "generic", URL: "https://hooks.example.org/zjj"})
		require.NoError(t, err)
		var ids []int64
		for _, key := range []string{"a", "b", "c"} {
			pending, err := st.Notify(ctx, []store.Notification{{DedupeKey: "test/" + key, RecipientKind: store.RecipientDepartment,
				Recipient: "zjj", Kind: "urge", Title: "【催办】", Body: "请办理", CreatedAt: time.Now()}})
			require.NoError(t, err)
			require.Len(t, pending, 1)
			ids = append(ids, pending[0])
		}
		const workflowReason = "activity error (type: SendWebhook, scheduledEventID: 5, startedEventID: 6, identity: 4242@worker-7): " +
			"send message duban-delivery-1: deliver to generic: HTTP 404 (Webhook 服务器拒绝了消息（HTTP 404），请检查地址和配置), permanent"
		// Given up after an attempt that said why.
		require.NoError(t, st.RecordDeliveryAttempt(ctx, ids[0], store.DeliveryPending,
			"send message duban-delivery-1: deliver to generic: HTTP 404 (Webhook 服务器拒绝了消息（HTTP 404），请检查地址和配置), permanent"))
		require.NoError(t, st.FailDelivery(ctx, ids[0], workflowReason))
		// Given up before any attempt recorded an error.
		require.NoError(t, st.FailDelivery(ctx, ids[1], workflowReason))
		// A row as an older version wrote it.
		require.NoError(t, st.RecordDeliveryAttempt(ctx, ids[2], store.DeliveryFailed,
			workflowReason+`; body: <html>admin console of 10.0.0.7</html>`))

		got, err := st.ListDeliveries(ctx, "zjj", 10)
		require.NoError(t, err)
		require.Len(t, got, 3)
		for _, d := range got {
			assert.Equal(t, store.DeliveryFailed, d.Status)
			assert.NotEmpty(t, d.LastError, "delivery %d", d.ID)
			for _, leak := range []string{"4242@worker-7", "identity", "body:", "admin console", "10.0.0.7"} {
				assert.NotContains(t, d.LastError, leak, "delivery %d", d.ID)
			}
		}
		assert.Contains(t, got[2].LastError, "HTTP 404", "the attempt's own error stays")
		assert.Contains(t, got[1].LastError, "未送达")
	})
}
