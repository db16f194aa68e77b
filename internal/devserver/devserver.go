// Package devserver runs a Temporal server inside the duban process. Persisted
// to a SQLite file, the way `temporal server start-dev --db-filename` does, it
// is the embedded default that lets a newcomer run everything with one
// command. With Options.Postgres it is the same server on PostgreSQL
// persistence and visibility, its schema made by Temporal's own SQL tool from
// the same module: the production shape `duban temporal` runs and the kill
// test proves, with the options in internal/temporalconf that deploy/ gives
// Temporal's own images.
package devserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/duban-gov/duban/internal/temporalconf"
)

// Options describe the dev server.
type Options struct {
	// DBFile is the SQLite file Temporal persists to; created with its
	// schema on first start.
	DBFile string
	// IP and Port the frontend listens on; Port 0 picks a free one.
	IP   string
	Port int
	// Namespace is registered on start if missing.
	Namespace string
	// LogLevel of the server's own logger: debug, info, warn, error.
	LogLevel string

	// Postgres, when set, replaces the SQLite file: Temporal persists to and
	// keeps visibility in these PostgreSQL databases, whose schema Start
	// creates or upgrades first.
	Postgres *Postgres
	// HistoryShards on PostgreSQL (fixed for the life of the databases);
	// default temporalconf.HistoryShards. SQLite always has one.
	HistoryShards int
	// Retention of closed workflows in Namespace when Start registers it on
	// PostgreSQL; default 30 days.
	Retention time.Duration
}

// Server is a running in-process Temporal server.
type Server struct {
	srv temporal.Server
	// logLevel is the level of the server's log, raised when it stops.
	logLevel  zap.AtomicLevel
	hostPort  string
	namespace string
}

// Start creates (if needed) and starts the server; it returns once the
// frontend answers.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	// The ports left free are reserved (held open) until the server is
	// about to bind them; see reservePorts.
	need := 0
	if o.Port == 0 {
		need++
	}
	if o.Postgres == nil {
		need += 7
	}
	var reserved *reservation
	if need > 0 {
		r, err := reservePorts(o.IP, need)
		if err != nil {
			return nil, err
		}
		defer r.release()
		reserved = r
		if o.Port == 0 {
			o.Port = r.take(1)[0]
		}
	}
	cfg, err := buildConfig(o, reserved)
	if err != nil {
		return nil, err
	}
	level, err := zapcore.ParseLevel(o.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("temporal log level: %w", err)
	}
	logLevel := zap.NewAtomicLevelAt(level)
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Stdout: true, Level: o.LogLevel, Format: "json"}).
		WithOptions(zap.IncreaseLevel(logLevel)))
	if o.Postgres != nil {
		if err := SetupPostgresSchema(*o.Postgres, logger); err != nil {
			return nil, fmt.Errorf("temporal schema on postgres: %w", err)
		}
	} else if err := setupSQLite(cfg, o); err != nil {
		return nil, err
	}

	return startServer(ctx, cfg, o, logger, logLevel, reserved)
}

// setupSQLite creates the file with its schema on first start and registers
// the namespace in it directly.
func setupSQLite(cfg *config.Config, o Options) error {
	sqlCfg := cfg.Persistence.DataStores[sqliteplugin.PluginName].SQL
	if _, err := os.Stat(o.DBFile); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o750); err != nil {
			return fmt.Errorf("create directory for %s: %w", o.DBFile, err)
		}
		if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
			return fmt.Errorf("set up temporal schema in %s: %w", o.DBFile, err)
		}
	}
	if err := forgetMembers(o.DBFile); err != nil {
		return err
	}
	ns, err := sqliteschema.NewNamespaceConfig(cfg.ClusterMetadata.CurrentClusterName, o.Namespace, false, nil)
	if err != nil {
		return fmt.Errorf("namespace config %s: %w", o.Namespace, err)
	}
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return fmt.Errorf("create namespace %s: %w", o.Namespace, err)
	}
	return nil
}

// forgetMembers empties the cluster membership the file remembers. The
// embedded server is the only member of its cluster, on ports drawn afresh
// at every start; the rows of a process that ended seconds ago (the refused
// start before `duban reconcile`, reconcile's own server) name ports where
// nobody listens, and ringpop, trying to join them, gave up after 30 s on
// a busy machine and took the process down ("failed to start ringpop").
// One process at a time uses the file, so no live member is forgotten.
func forgetMembers(file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM cluster_membership`); err != nil {
		return fmt.Errorf("forget the cluster members in %s: %w", file, err)
	}
	return nil
}

func startServer(ctx context.Context, cfg *config.Config, o Options, logger log.Logger, logLevel zap.AtomicLevel, reserved *reservation) (*Server, error) {
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	reserved.release() // the server binds its ports from here on
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(staticDynamicConfig(o.Postgres == nil)),
	)
	if err != nil {
		return nil, fmt.Errorf("new temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	s := &Server{srv: srv, logLevel: logLevel, hostPort: net.JoinHostPort(o.IP, strconv.Itoa(o.Port)), namespace: o.Namespace}
	if err := s.waitReady(ctx); err != nil {
		_ = srv.Stop()
		return nil, err
	}
	if o.Postgres != nil {
		if err := s.registerNamespace(ctx, o.Retention); err != nil {
			_ = srv.Stop()
			return nil, err
		}
	}
	return s, nil
}

// staticDynamicConfig is the production shape's dynamic configuration
// (temporalconf), plus, for the embedded default only, search attributes
// read through to the database (a development setting: "should not be
// turned on in production").
func staticDynamicConfig(embedded bool) dynamicconfig.StaticClient {
	c := dynamicconfig.StaticClient{}
	for k, v := range temporalconf.DynamicConfig() {
		c[dynamicconfig.MakeKey(k)] = []dynamicconfig.ConstrainedValue{{Value: v}}
	}
	if embedded {
		c[dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key()] = []dynamicconfig.ConstrainedValue{{Value: true}}
		// The history service keeps every workflow touched in the last
		// hour in memory, up to 128,000 (a cluster's default): one process
		// with 10,000 open slips held all of them, 807 MB. A one-machine
		// installation acts on a few slips at a time; a miss reloads one
		// slip's state from SQLite.
		c[dynamicconfig.HistoryCacheHostLevelMaxSize.Key()] = []dynamicconfig.ConstrainedValue{{Value: embeddedHistoryCacheSize}}
	}
	return c
}

// embeddedHistoryCacheSize bounds the embedded server's cache of workflow
// states (history.hostLevelCacheMaxSize).
const embeddedHistoryCacheSize = 2000

// HostPort is the frontend address clients dial.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the registered namespace.
func (s *Server) Namespace() string { return s.namespace }

// Stop shuts the server down. What its services log while they stop — a
// matching engine that finds no hosts left, its own system workers' polls
// cut off, dials to the ports just closed: a dozen errors and warnings with
// stack traces — is the stop itself, not news to whoever pressed Ctrl-C, so
// the server logs only fatal errors from here on.
func (s *Server) Stop() error {
	s.logLevel.SetLevel(zapcore.FatalLevel)
	return s.srv.Stop()
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		c, err := client.Dial(client.Options{HostPort: s.hostPort, Namespace: s.namespace, Logger: quietLogger{}})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal dev server at %s not ready: %w", s.hostPort, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func buildConfig(o Options, reserved *reservation) (*config.Config, error) {
	ports, err := servicePorts(o, reserved)
	if err != nil {
		return nil, err
	}
	service := func(grpcPort, membershipPort int, bindIP string) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpcPort, MembershipPort: membershipPort, BindOnIP: bindIP}}
	}
	frontend := net.JoinHostPort(o.IP, strconv.Itoa(o.Port))
	persistence, err := persistenceConfig(o)
	if err != nil {
		return nil, err
	}

	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: "127.0.0.1"},
		},
		Persistence: persistence,
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": service(o.Port, ports[0], o.IP),
			"history":  service(ports[1], ports[2], "127.0.0.1"),
			"matching": service(ports[3], ports[4], "127.0.0.1"),
			"worker":   service(ports[5], ports[6], "127.0.0.1"),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}

// servicePorts are the gRPC and membership ports of the other services and
// the frontend's membership port. On SQLite, the reserved ones. On PostgreSQL,
// Temporal's default layout around the frontend's port (7233: membership
// 6933, history 7234/6934, matching 7235/6935, worker 7239/6939): the
// cluster_membership table keeps ports in a smallint, so they must stay
// below 32768 (free ports are usually above), and a restarted server takes
// the very addresses its previous run left in that table.
func servicePorts(o Options, reserved *reservation) ([]int, error) {
	if o.Postgres != nil {
		p := o.Port
		if p < 1324 || p+6 > 32767 {
			return nil, fmt.Errorf("frontend port %d: on PostgreSQL it must be in 1324…32761 (services use port-300…port+6)", p)
		}
		return []int{p - 300, p + 1, p - 299, p + 2, p - 298, p + 6, p - 294}, nil
	}
	if reserved == nil {
		return nil, errors.New("temporal dev server: service ports were not reserved")
	}
	return reserved.take(7), nil
}

func persistenceConfig(o Options) (config.Persistence, error) {
	if o.Postgres != nil {
		p := o.Postgres.withDefaults()
		main, err := p.sqlConfig(p.Database)
		if err != nil {
			return config.Persistence{}, err
		}
		visibility, err := p.sqlConfig(p.VisibilityDatabase)
		if err != nil {
			return config.Persistence{}, err
		}
		shards := o.HistoryShards
		if shards == 0 {
			shards = temporalconf.HistoryShards
		}
		return config.Persistence{
			DefaultStore:     "default",
			VisibilityStore:  "visibility",
			NumHistoryShards: int32(shards),
			DataStores: map[string]config.DataStore{
				"default":    {SQL: main},
				"visibility": {SQL: visibility},
			},
		}, nil
	}
	sqlCfg := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: o.DBFile,
		// Keys other than SQLite URI parameters become pragmas as they
		// are: "journal_mode", not "_journal_mode" (an unknown pragma,
		// silently ignored, which left the file in rollback-journal mode).
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  "2", // FULL: a committed transition survives a power cut
			"busy_timeout": "10000",
		},
	}
	return config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
	}, nil
}

// registerNamespace registers the namespace through the frontend, as
// `temporal operator namespace create` does; one that exists is left as is.
func (s *Server) registerNamespace(ctx context.Context, retention time.Duration) error {
	if retention == 0 {
		retention = 30 * 24 * time.Hour
	}
	nc, err := client.NewNamespaceClient(client.Options{HostPort: s.hostPort, Logger: quietLogger{}})
	if err != nil {
		return fmt.Errorf("namespace client: %w", err)
	}
	defer nc.Close()
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        s.namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", s.namespace, err)
	}
	// Usable once the services' namespace caches have it: wait until a
	// query in it succeeds.
	c, err := client.Dial(client.Options{HostPort: s.hostPort, Namespace: s.namespace, Logger: quietLogger{}})
	if err != nil {
		return fmt.Errorf("dial temporal: %w", err)
	}
	defer c.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: s.namespace})
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace %s not usable: %w", s.namespace, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// quietLogger drops the SDK client's logs while probing readiness.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
