package evidence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir keeps blobs as files in a directory: the embedded default's
// data/evidence. A file is written under a temporary name, synced and
// renamed into place, so a reader never sees half a file and a failed
// Put leaves none.
type Dir struct {
	root string
}

// NewDir uses root (created if missing) for blobs.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("evidence directory %s: %w", root, err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(key string) string { return filepath.Join(d.root, key[:2], key) }

// Put implements Blobs.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) (err error) {
	if !ValidKey(key) {
		return fmt.Errorf("put evidence blob: bad key %q", key)
	}
	final := d.path(key)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("put evidence blob %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), ".upload-*")
	if err != nil {
		return fmt.Errorf("put evidence blob %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("put evidence blob %s: %w", key, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("put evidence blob %s: sync: %w", key, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("put evidence blob %s: close: %w", key, err)
	}
	if err = os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("put evidence blob %s: %w", key, err)
	}
	return nil
}

// Open implements Blobs.
func (d *Dir) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open evidence blob %s: %w", key, err)
	}
	return f, nil
}

// Delete implements Blobs.
func (d *Dir) Delete(_ context.Context, key string) error {
	if !ValidKey(key) {
		return nil
	}
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete evidence blob %s: %w", key, err)
	}
	return nil
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
