package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/duban-gov/duban/internal/payload"
	"github.com/duban-gov/duban/metrics"
)

// DialTemporal connects to the Temporal frontend; the SDK's metrics go to m
// (nil: nowhere). A frontend on a loopback address (the embedded default's
// in-process server) is spoken to without gzip: compressing what never
// leaves the machine cost a twentieth of its CPU. Payloads are JSON written
// by internal/payload, as the SDK's default writes them.
func DialTemporal(ctx context.Context, hostPort, namespace string, log *slog.Logger, m *metrics.Registry) (client.Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := client.Options{
		HostPort:       hostPort,
		Namespace:      namespace,
		Logger:         sdklog.NewStructuredLogger(log.With("component", "temporal-client")),
		MetricsHandler: m.Temporal(),
		DataConverter:  payload.Converter,
	}
	if loopback(hostPort) {
		opts.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("dial temporal at %s (namespace %s): %w", hostPort, namespace, err)
	}
	return c, nil
}

// loopback reports whether hostPort names this machine by a loopback
// address or "localhost".
func loopback(hostPort string) bool {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
