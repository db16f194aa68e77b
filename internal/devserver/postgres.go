package devserver

import (
	"fmt"
	"net"
	"net/url"
	"time"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // registers the postgres12 plugin
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"

	"github.com/duban-gov/duban/internal/temporalconf"
)

// Schema names inside go.temporal.io/server/schema (embedded in the module),
// as temporal-sql-tool's --schema-name takes them.
const (
	mainSchemaName       = "postgresql/v12/temporal"
	visibilitySchemaName = "postgresql/v12/visibility"
)

// Postgres names Temporal's two PostgreSQL databases. URL is a libpq-style
// URL (postgres://user:password@host:port/admin-db?sslmode=…): its user,
// password, address and query parameters are used for both databases, its
// path names the database to connect to when creating them.
type Postgres struct {
	URL                string
	Database           string // default "temporal"
	VisibilityDatabase string // default "temporal_visibility"
	// MaxConns per database and process (Temporal's default is 20).
	MaxConns int
}

func (p Postgres) withDefaults() Postgres {
	if p.Database == "" {
		p.Database = temporalconf.Database
	}
	if p.VisibilityDatabase == "" {
		p.VisibilityDatabase = temporalconf.VisibilityDatabase
	}
	if p.MaxConns == 0 {
		p.MaxConns = 20
	}
	return p
}

// sqlConfig is Temporal's SQL persistence configuration for database db.
func (p Postgres) sqlConfig(db string) (*config.SQL, error) {
	u, err := url.Parse(p.URL)
	if err != nil {
		return nil, fmt.Errorf("temporal postgres url: %w", err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("temporal postgres url: scheme %q, want postgres://", u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, fmt.Errorf("temporal postgres url: no host")
	}
	if port == "" {
		port = "5432"
	}
	pw, _ := u.User.Password()
	attrs := map[string]string{}
	for k, v := range u.Query() {
		attrs[k] = v[0]
	}
	return &config.SQL{
		PluginName:        temporalconf.Plugin,
		DatabaseName:      db,
		ConnectAddr:       net.JoinHostPort(host, port),
		ConnectProtocol:   "tcp",
		User:              u.User.Username(),
		Password:          pw,
		ConnectAttributes: attrs,
		MaxConns:          p.MaxConns,
		MaxIdleConns:      p.MaxConns,
		MaxConnLifetime:   time.Hour,
	}, nil
}

// adminDatabase is the database named in the URL, used to create the others.
func (p Postgres) adminDatabase() string {
	u, err := url.Parse(p.URL)
	if err != nil || len(u.Path) <= 1 {
		return "postgres"
	}
	return u.Path[1:]
}

// SetupPostgresSchema creates Temporal's two databases if they are missing
// and brings their schemas to the version this server module ships, with
// temporal-sql-tool's own code and the schema files embedded in the module
// (go.temporal.io/server/schema): create-database, setup-schema -v 0.0,
// update-schema --schema-name postgresql/v12/…. Running it again is a no-op;
// after a server upgrade it applies only the newer versions.
func SetupPostgresSchema(p Postgres, logger log.Logger) error {
	p = p.withDefaults()
	for _, d := range []struct{ db, schemaName string }{
		{p.Database, mainSchemaName},
		{p.VisibilityDatabase, visibilitySchemaName},
	} {
		cfg, err := p.sqlConfig(d.db)
		if err != nil {
			return err
		}
		if err := sqltool.DoCreateDatabase(cfg, p.adminDatabase(), logger); err != nil {
			return fmt.Errorf("create database %s: %w", d.db, err)
		}
		// DoCreateDatabase pointed cfg at the admin database.
		cfg, _ = p.sqlConfig(d.db)
		if err := updateSchema(cfg, d.schemaName, logger); err != nil {
			return fmt.Errorf("schema of %s: %w", d.db, err)
		}
	}
	return nil
}

func updateSchema(cfg *config.SQL, schemaName string, logger log.Logger) error {
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if err := schema.NewSetupSchemaTask(conn, &schema.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
		return fmt.Errorf("setup-schema: %w", err)
	}
	if err := schema.NewUpdateSchemaTask(conn, &schema.UpdateConfig{SchemaName: schemaName}, logger).Run(); err != nil {
		return fmt.Errorf("update-schema: %w", err)
	}
	return nil
}
