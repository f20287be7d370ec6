package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrOldFormat is the error (wrapped) of opening an index whose segments
// are in the format of an earlier version; Convert upgrades it.
var ErrOldFormat = errors.New("index in the format of an earlier version (run Convert, as every bot command does)")

// Convert turns an index directory written by an earlier version into the
// current format: the one-file format (IndexFile) into segments, its
// articles added to a new index in dir, committed, and the old file
// removed; segments of an earlier segment format (see metaVersion) into
// segments of this one, their live articles analysed again (attributions
// found) and committed as one batch that replaces them (a kill leaves
// the old index whole, as any batch does). It does nothing when dir holds
// neither, and reports whether it converted. It takes the writer lock.
func Convert(ctx context.Context, dir string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err == nil {
		return convertSegments(ctx, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, IndexFile)); err != nil {
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

// convertSegments rewrites the index in dir when a segment of it is in an
// earlier segment format.
func convertSegments(ctx context.Context, dir string) (bool, error) {
	m, err := readManifest(dir)
	if err != nil {
		return false, nil // OpenDisk or OpenWriter says what is wrong
	}
	older := false
	for _, e := range m.segs {
		g, err := mapSegment(filepath.Join(dir, e.name), e.name)
		if err != nil {
			return false, nil
		}
		older = older || g.m.version < metaVersion
		g.unmap()
	}
	if !older {
		return false, nil
	}
	ix, err := openWriter(dir, true)
	if err != nil {
		return false, fmt.Errorf("convert the index of an earlier version: %w", err)
	}
	defer ix.Close()
	b, err := ix.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("convert the index of an earlier version: %w", err)
	}
	b.ReplaceAll()
	n := 0
	for a := range ix.Articles() {
		if _, err := b.Add(a); err != nil {
			b.Abort()
			return false, fmt.Errorf("convert the index of an earlier version: %w", err)
		}
		n++
	}
	if n != ix.Len() {
		b.Abort()
		return false, fmt.Errorf("convert the index of an earlier version: read %d of its %d articles: %w", n, ix.Len(), errDamaged)
	}
	if err := b.Commit(); err != nil {
		return false, fmt.Errorf("convert the index of an earlier version: %w", err)
	}
	return true, nil
}
