package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The manifest names the segments that make up the index, and the
// articles of each that were deleted (replaced) since it was written: the
// tombstones, until a merge drops them for good. It is the commit point:
// a new manifest is written to a temporary file, synced, and renamed over
// the old one, so the index a reader opens is always one that was
// committed whole. Segment files are written (and synced) before the
// manifest that names them; files that no manifest names (a killed
// ingest's, or segments merged away) are removed by the next writer,
// under the writer lock.
//
//	magic "NBMANIF\x01" | gen uvarint | next uvarint | nsegs uvarint |
//	per segment: name (uvarint length, bytes) | size uvarint | articles uvarint |
//	             sentences uvarint | ndeleted uvarint | deleted (gaps, uvarint) ...
//	CRC-32C of all the above, uint32
const (
	// ManifestFile is the name of the manifest in an index directory.
	ManifestFile  = "manifest"
	manifestMagic = "NBMANIF\x01"
	segPrefix     = "seg-"
	segSuffix     = ".nbs"
)

type manifest struct {
	gen  uint64 // commits so far
	next uint64 // the number of the next segment
	segs []segEntry
}

type segEntry struct {
	name        string
	size        int64
	arts, sents uint64
	dels        []uint32 // deleted articles, ascending
}

func segName(n uint64) string { return fmt.Sprintf("%s%08d%s", segPrefix, n, segSuffix) }

func (m *manifest) encode() []byte {
	b := []byte(manifestMagic)
	b = binary.AppendUvarint(b, m.gen)
	b = binary.AppendUvarint(b, m.next)
	b = binary.AppendUvarint(b, uint64(len(m.segs)))
	for _, s := range m.segs {
		b = binary.AppendUvarint(b, uint64(len(s.name)))
		b = append(b, s.name...)
		b = binary.AppendUvarint(b, uint64(s.size))
		b = binary.AppendUvarint(b, s.arts)
		b = binary.AppendUvarint(b, s.sents)
		b = binary.AppendUvarint(b, uint64(len(s.dels)))
		prev := uint32(0)
		for i, d := range s.dels {
			if i == 0 {
				b = binary.AppendUvarint(b, uint64(d))
			} else {
				b = binary.AppendUvarint(b, uint64(d-prev))
			}
			prev = d
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

var errManifest = errors.New("index manifest is damaged")

func decodeManifest(b []byte) (manifest, error) {
	var m manifest
	if len(b) < len(manifestMagic)+4 || string(b[:len(manifestMagic)]) != manifestMagic {
		return m, fmt.Errorf("%w: not a manifest, or one of another version", errManifest)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return m, fmt.Errorf("%w: checksum", errManifest)
	}
	d := body[len(manifestMagic):]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(d)
		if n <= 0 {
			bad = true
			return 0
		}
		d = d[n:]
		return v
	}
	m.gen, m.next = uv(), uv()
	n := uv()
	if n > uint64(len(d)) {
		return m, errManifest
	}
	seen := map[string]bool{}
	for range n {
		var s segEntry
		l := uv()
		if bad || l > uint64(len(d)) {
			return m, errManifest
		}
		s.name, d = string(d[:l]), d[l:]
		if !validSegName(s.name) || seen[s.name] {
			return m, fmt.Errorf("%w: segment name %q", errManifest, s.name)
		}
		seen[s.name] = true
		s.size = int64(uv())
		s.arts, s.sents = uv(), uv()
		nd := uv()
		if bad || nd > s.arts || nd > uint64(len(d)) {
			return m, errManifest
		}
		s.dels = make([]uint32, nd)
		var prev uint64
		for i := range s.dels {
			g := uv()
			if i > 0 && g == 0 {
				bad = true
			}
			prev += g
			if prev >= s.arts {
				bad = true
			}
			s.dels[i] = uint32(prev)
		}
		if bad {
			return m, errManifest
		}
		m.segs = append(m.segs, s)
	}
	if bad || len(d) != 0 {
		return m, errManifest
	}
	return m, nil
}

// validSegName accepts only the names the writer gives, so that a damaged
// manifest cannot send a reader outside the index directory.
func validSegName(s string) bool {
	mid, ok := strings.CutPrefix(s, segPrefix)
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, segSuffix)
	if !ok || len(mid) == 0 || len(mid) > 20 {
		return false
	}
	for _, c := range mid {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// readManifest reads the manifest of dir; ErrNoIndex when there is none.
func readManifest(dir string) (manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, ErrNoIndex
	}
	if err != nil {
		return manifest{}, err
	}
	return decodeManifest(b)
}

// writeManifest commits m in dir: a synced temporary file renamed over
// the manifest, then the directory synced.
func writeManifest(dir string, m *manifest) error {
	return writeDurable(dir, ManifestFile, m.encode())
}

// writeDurable writes name in dir as a synced temporary file renamed into
// place, and syncs the directory so that the rename survives a crash.
func writeDurable(dir, name string, b []byte) error {
	f, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeStale removes what no committed manifest needs: temporary files
// and segments m does not name. Only a writer, holding the lock, calls it.
func removeStale(dir string, m *manifest) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, s := range m.segs {
		keep[s.name] = true
	}
	for _, e := range entries {
		name := e.Name()
		stale := strings.Contains(name, ".tmp")
		if validSegName(name) && !keep[name] {
			stale = true
		}
		if stale {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove stale %s: %w", name, err)
			}
		}
	}
	return nil
}
