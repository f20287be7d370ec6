package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is one entry of a selection (see Files): a file to read, or a path
// that the walk refuses without reading it.
type File struct {
	// Path is the file's path as walked: a path given, or a path under a
	// directory given, joined to it.
	Path string
	// Info describes the file: for a symbolic link, the file it links to.
	// It is nil when Refused is set.
	Info fs.FileInfo
	// Refused says why Path is not read ("symbolic link to a directory,
	// not followed", "open: no such file or directory"); "" for a file to
	// read.
	Refused string
}

// Files lists what Load reads for paths, in the order it reads it. It is
// the one rule that says which files of a directory make a corpus, so that
// everything that reads a corpus (a fresh build, an incremental update, a
// manifest of what was read) reads the same files:
//
//   - a path given is read whatever its name, hidden or not, following a
//     symbolic link; the paths are taken in the order given;
//   - a directory is walked recursively, in lexical order; inside it,
//     hidden files and directories (names starting with ".") are skipped,
//     a symbolic link to a file is read, and a symbolic link to a
//     directory is refused, not followed (a link could loop, or pull in a
//     tree nobody meant to index);
//   - every other file is listed whatever its extension: Load refuses
//     those it cannot read by name, so that a person sees them.
//
// A path that does not exist and a directory that cannot be read are
// listed too, as refused.
func Files(paths ...string) []File {
	var out []File
	for _, p := range paths {
		out = selectFiles(osFiles{}, p, out)
	}
	return out
}

// files is the file access that Load and LoadFS differ in.
type files interface {
	stat(name string) (fs.FileInfo, error)
	walkDir(root string, fn fs.WalkDirFunc) error
	open(name string) (fs.File, error)
}

type osFiles struct{}

func (osFiles) stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (osFiles) open(name string) (fs.File, error)     { return os.Open(name) }

func (osFiles) walkDir(root string, fn fs.WalkDirFunc) error {
	if info, err := os.Lstat(root); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// A link to a directory given by name is followed: walk it with a
		// trailing separator, and report the root under its own name.
		withSep := root + string(filepath.Separator)
		return filepath.WalkDir(withSep, func(p string, d fs.DirEntry, err error) error {
			if p == withSep {
				p = root
			}
			return fn(p, d, err)
		})
	}
	return filepath.WalkDir(root, fn)
}

type fsFiles struct{ fsys fs.FS }

func (f fsFiles) stat(name string) (fs.FileInfo, error)        { return fs.Stat(f.fsys, name) }
func (f fsFiles) walkDir(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(f.fsys, root, fn) }
func (f fsFiles) open(name string) (fs.File, error)            { return f.fsys.Open(name) }

// selectFiles appends to out the selection (see Files) under root, a file
// or a directory of fsys.
func selectFiles(fsys files, root string, out []File) []File {
	info, err := fsys.stat(root)
	if err != nil {
		return append(out, refused(root, fmt.Errorf("open: %w", err)))
	}
	if !info.IsDir() {
		return append(out, File{Path: root, Info: info})
	}
	err = fsys.walkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, refused(p, fmt.Errorf("read directory: %w", err)))
			if d != nil && d.IsDir() && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if p != root && isHidden(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			info, err := fsys.stat(p)
			switch {
			case err != nil:
				out = append(out, refused(p, fmt.Errorf("open: %w", err)))
			case info.IsDir():
				out = append(out, refused(p, errors.New("symbolic link to a directory, not followed")))
			default:
				out = append(out, File{Path: p, Info: info})
			}
		default:
			info, err := d.Info()
			if err != nil {
				out = append(out, refused(p, fmt.Errorf("stat: %w", err)))
				return nil
			}
			out = append(out, File{Path: p, Info: info})
		}
		return nil
	})
	if err != nil {
		out = append(out, refused(root, fmt.Errorf("walk directory: %w", err)))
	}
	return out
}

func refused(name string, err error) File {
	return File{Path: name, Refused: problemReason(err)}
}

func isHidden(name string) bool {
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}
