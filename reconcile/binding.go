package reconcile

import (
	"context"
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/duban-gov/duban/store"
	"github.com/duban-gov/duban/workflows"
)

// namespaceKey is the ledger_meta key of the Temporal namespace id the
// ledger is the projection of.
const namespaceKey = "temporal_namespace_id"

// MismatchError is why a ledger and a Temporal namespace must not run
// together; its message tells the operator what to do.
type MismatchError struct{ Reason string }

func (e *MismatchError) Error() string { return e.Reason }

// CheckLedger makes sure the ledger belongs to the Temporal namespace before
// a process starts writing to either, and binds a new ledger to it.
//
// The namespace's id (made by Temporal when the namespace was created) is
// written into the ledger on first start. Afterwards a ledger whose stored
// id differs — a ledger from another installation, or a Temporal store that
// was replaced — is refused, and so is an empty ledger beside a namespace
// that holds slip workflows (the ledger was deleted or lost): starting it
// would restart numbering at 1 and forget idempotency keys. Both refusals
// name `duban reconcile --rebuild`.
func CheckLedger(ctx context.Context, tc client.Client, namespace string, st *store.Store) error {
	nsID, err := namespaceID(ctx, tc, namespace)
	if err != nil {
		return err
	}
	held, bound, err := st.LedgerMeta(ctx, namespaceKey)
	if err != nil {
		return err
	}
	if bound {
		if held != nsID {
			return &MismatchError{Reason: fmt.Sprintf(
				"台账与 Temporal 不匹配：台账属于命名空间 id %s，而 Temporal 的命名空间 %s 的 id 是 %s。"+
					"请使用与台账配套的 Temporal 数据；若台账已丢失、要以 Temporal 为准重建，运行 `duban reconcile --rebuild`"+
					" (the ledger belongs to another Temporal namespace; restore the matching Temporal data, or rebuild the ledger from the workflows with `duban reconcile --rebuild`)",
				held, namespace, nsID)}
		}
		return nil
	}
	hasSlips, err := st.HasSlips(ctx)
	if err != nil {
		return err
	}
	if !hasSlips {
		workflowsThere, err := hasSlipWorkflows(ctx, tc, namespace)
		if err != nil {
			return err
		}
		if workflowsThere {
			return &MismatchError{Reason: fmt.Sprintf(
				"台账是空的，但 Temporal 命名空间 %s 中已有交办单工作流：台账可能已被删除或丢失。"+
					"直接启动会让编号从 1 号重来、旧的 Idempotency-Key 重复交办。请运行 `duban reconcile --rebuild` 从工作流重建台账"+
					" (the ledger is empty but Temporal holds slip workflows: the ledger was lost; run `duban reconcile --rebuild`)",
				namespace)}
		}
	}
	// A new ledger, or one from before the binding existed: bind it.
	held, err = st.ClaimLedgerMeta(ctx, namespaceKey, nsID)
	if err != nil {
		return err
	}
	if held != nsID {
		return &MismatchError{Reason: fmt.Sprintf("台账刚被绑定到另一个命名空间 id %s (the ledger was just bound to namespace id %s)", held, held)}
	}
	return nil
}

// BindLedger binds the ledger to the namespace, replacing any binding: what
// `duban reconcile --rebuild` does once the ledger is rebuilt.
func BindLedger(ctx context.Context, tc client.Client, namespace string, st *store.Store) error {
	nsID, err := namespaceID(ctx, tc, namespace)
	if err != nil {
		return err
	}
	return st.SetLedgerMeta(ctx, namespaceKey, nsID)
}

func namespaceID(ctx context.Context, tc client.Client, namespace string) (string, error) {
	resp, err := tc.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return "", fmt.Errorf("describe namespace %s: %w", namespace, err)
	}
	return resp.GetNamespaceInfo().GetId(), nil
}

func hasSlipWorkflows(ctx context.Context, tc client.Client, namespace string) (bool, error) {
	resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: namespace, PageSize: 1,
		Query: workflows.VisibilityQuery,
	})
	if err != nil {
		return false, fmt.Errorf("look for slip workflows: %w", err)
	}
	return len(resp.GetExecutions()) > 0, nil
}
