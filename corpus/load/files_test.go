package load

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Files is the one selection rule: what it lists is exactly what Load
// reads, in the same order.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "a.md", "sub/c.txt", ".hidden.txt", ".git/HEAD", "sub/.DS_Store", "notes.docx"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("Some article text."), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	other := t.TempDir()
	if err := os.Symlink(other, filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	got := Files(dir, filepath.Join(dir, ".hidden.txt"), missing)
	type entry struct{ path, refused string }
	var entries []entry
	for _, f := range got {
		entries = append(entries, entry{f.Path, f.Refused})
		if (f.Info == nil) != (f.Refused != "") {
			t.Errorf("%s: Info %v with Refused %q", f.Path, f.Info, f.Refused)
		}
	}
	want := []entry{
		{filepath.Join(dir, "a.md"), ""},
		{filepath.Join(dir, "b.txt"), ""},
		{filepath.Join(dir, "linked"), "symbolic link to a directory, not followed"},
		{filepath.Join(dir, "notes.docx"), ""}, // listed; Load refuses it by name
		{filepath.Join(dir, "sub", "c.txt"), ""},
		{filepath.Join(dir, ".hidden.txt"), ""}, // given by name: read
		{missing, "open: no such file or directory"},
	}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("Files =\n%v\nwant\n%v", entries, want)
	}

	var l Loader
	loaded := l.Load(dir, filepath.Join(dir, ".hidden.txt"), missing)
	if again := l.LoadFiles(got); !reflect.DeepEqual(loaded, again) {
		t.Errorf("Load and LoadFiles(Files) differ:\n%+v\n%+v", loaded, again)
	}
	if len(loaded) != len(got) {
		t.Fatalf("Load gave %d reports for %d files", len(loaded), len(got))
	}
	for i, r := range loaded {
		if r.Path != got[i].Path {
			t.Errorf("report %d is %s, file %s", i, r.Path, got[i].Path)
		}
	}
	if p := loaded[3].Problems; len(p) != 1 || p[0].Reason != `unsupported file type ".docx"` {
		t.Errorf("notes.docx: %+v", loaded[3])
	}
}

func TestReportWhere(t *testing.T) {
	r := Report{Path: "feed.jsonl"}
	if got := r.Where(Problem{Line: 7}); got != "feed.jsonl:7" {
		t.Errorf("Where(line 7) = %q", got)
	}
	if got := r.Where(Problem{}); got != "feed.jsonl" {
		t.Errorf("Where(file) = %q", got)
	}
}
