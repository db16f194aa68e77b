package app

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/duban-gov/duban/metrics"
)

// DialTemporal connects to the Temporal frontend; the SDK's metrics go to m
// (nil: nowhere).
func DialTemporal(ctx context.Context, hostPort, namespace string, log *slog.Logger, m *metrics.Registry) (client.Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c, err := client.DialContext(ctx, client.Options{
		HostPort:       hostPort,
		Namespace:      namespace,
		Logger:         sdklog.NewStructuredLogger(log.With("component", "temporal-client")),
		MetricsHandler: m.Temporal(),
	})
	if err != nil {
		return nil, fmt.Errorf("dial temporal at %s (namespace %s): %w", hostPort, namespace, err)
	}
	return c, nil
}
