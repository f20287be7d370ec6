package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Convert turns an index directory in the one-file format of earlier
// versions (IndexFile) into segments: its articles are added to a new
// index in dir, committed, and the old file removed. It does nothing when
// dir holds no such file or already holds a manifest, and reports whether
// it converted. It takes the writer lock.
func Convert(ctx context.Context, dir string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, IndexFile)); err != nil {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err == nil {
		return false, nil
	}
	ix, err := OpenWriter(dir)
	if err != nil {
		return false, err
	}
	defer ix.Close()
	if len(ix.man.segs) > 0 {
		return false, nil // converted by another writer meanwhile
	}
	old, err := Open(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrNoIndex) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("convert the index of an earlier version: %w", err)
	}
	if _, err := ix.Add(ctx, old.articles); err != nil {
		return false, fmt.Errorf("convert the index of an earlier version: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, IndexFile)); err != nil {
		return false, err
	}
	return true, syncDir(dir)
}
